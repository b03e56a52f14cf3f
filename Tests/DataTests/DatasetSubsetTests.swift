import Testing
@testable import Data

@Suite struct DatasetSubsetTests {
  /// Six images of classes 0, 1, 2, 0, 1, 0 whose pixels are their index.
  static let base = ImageArray(shape: ImageShape(channels: 1, height: 1, width: 2),
                               pixels: (0..<6).flatMap { [UInt8($0), UInt8($0)] },
                               labels: [0, 1, 2, 0, 1, 0], classNames: ["a", "b", "c"],
                               source: "made up")

  @Test func keepsTheFirstImagesOfEachClassInFileOrder() throws {
    let subset = DatasetSubset(Self.base, perClass: 2)
    #expect(subset.indices == [0, 1, 2, 3, 4])
    #expect(subset.labels == [0, 1, 2, 0, 1] && subset.count == 5)
    #expect(subset.indicesByClass() == [[0, 3], [1, 4], [2]])
    let pixels = try (0..<subset.count).map { i in try subset.withPixels(at: i) { p in (0..<2).map { p[0, 0, $0] } } }
    #expect(pixels == [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]])
    #expect(subset.classNames == ["a", "b", "c"] && subset.imageShape == Self.base.shape)
    #expect(DatasetSubset(Self.base, perClass: 1).indices == [0, 1, 2])
  }
}
