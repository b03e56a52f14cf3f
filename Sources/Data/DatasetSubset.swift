/// The first `perClass` images of every class of a split, in file order: a smaller, reproducible
/// version of a data set for quick runs (the quickstart, smoke tests of a new architecture).
/// Indices are renumbered 0..<count; everything else is the base set's.
public struct DatasetSubset: ImageDataset {
  public let base: any ImageDataset
  /// Base indices of the kept images, ascending.
  public let indices: [Int]
  public let labels: [Int32]

  public init(_ base: any ImageDataset, perClass: Int) {
    precondition(perClass >= 1, "a subset keeps at least one image per class")
    self.base = base
    indices = base.indicesByClass().flatMap { $0.prefix(perClass) }.sorted()
    labels = indices.map { base.labels[$0] }
  }

  public var count: Int { indices.count }
  public var classNames: [String] { base.classNames }
  public var imageShape: ImageShape? { base.imageShape }
  public var source: String { base.source }

  public func withPixels<R>(at index: Int, _ body: (ImagePixels) throws -> R) throws -> R {
    try base.withPixels(at: indices[index], body)
  }
}

extension IncrementalDataset {
  /// The same data set with at most `train` training and `test` test images per class (nil
  /// keeps a split whole).
  public func limiting(train: Int?, test: Int?) -> IncrementalDataset {
    IncrementalDataset(name: name, train: train.map { DatasetSubset(self.train, perClass: $0) } ?? self.train,
                       test: test.map { DatasetSubset(self.test, perClass: $0) } ?? self.test,
                       trainAugmentation: trainAugmentation, testAugmentation: testAugmentation)
  }
}
