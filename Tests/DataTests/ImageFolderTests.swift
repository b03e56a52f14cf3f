import Data
import Foundation
import Testing

/// Image folders with JPEG and PNG files generated through the Data target's own encoders.
@Suite struct ImageFolderTests {
  /// A smooth colour gradient (compresses well, so JPEG stays close to it).
  static func gradient(width: Int, height: Int, seed: Int) -> DecodedImage {
    var bytes: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        bytes += [UInt8((x * 255) / max(width - 1, 1)), UInt8((y * 255) / max(height - 1, 1)),
          UInt8((seed * 40) & 0xFF)]
      }
    }
    return DecodedImage(width: width, height: height, step: 3, bytes: bytes)
  }

  static func makeTree(_ folder: TemporaryFolder) throws {
    // classes: "bird", "cat", "dog" (sorted), with mixed formats and a nested folder.
    try folder.write(
      "train/cat/b.png", ImageCodec.encodePNG(gradient(width: 20, height: 12, seed: 1)))
    try folder.write(
      "train/cat/a.jpg", ImageCodec.encodeJPEG(gradient(width: 24, height: 16, seed: 2)))
    try folder.write("train/cat/notes.txt", Array("not an image".utf8))
    try folder.write(
      "train/dog/x.JPEG", ImageCodec.encodeJPEG(gradient(width: 30, height: 20, seed: 3)))
    try folder.write(
      "train/dog/sub/y.png", ImageCodec.encodePNG(gradient(width: 8, height: 8, seed: 4)))
    // A PNG named .JPEG (ImageNet has such files): decoded by content.
    try folder.write(
      "train/bird/z.JPEG", ImageCodec.encodePNG(gradient(width: 10, height: 10, seed: 5)))
    for name in ["bird", "cat", "dog"] {
      try folder.write("val/\(name)/v.png",
        ImageCodec.encodePNG(gradient(width: 16, height: 16, seed: name.count)))
    }
  }

  @Test func classesAndFilesInTorchvisionOrder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Self.makeTree(folder)
    let (train, test) = try ImageFolder.trainAndValidation(root: folder.url)
    #expect(train.classNames == ["bird", "cat", "dog"])
    #expect(train.labels == [0, 1, 1, 2, 2])
    let names = train.paths.map { String($0.dropFirst(folder.path.count + 7)) }
    #expect(names == ["bird/z.JPEG", "cat/a.jpg", "cat/b.png", "dog/x.JPEG", "dog/sub/y.png"])
    #expect(test.labels == [0, 1, 2])
    #expect(train.imageShape == nil)
  }

  @Test func decodesPNGExactlyAndJPEGClosely() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Self.makeTree(folder)
    let train = try ImageFolder(root: folder.file("train"))
    let png = try train.image(at: 2)
    #expect(png.width == 20 && png.height == 12)
    let expectedPNG = Self.gradient(width: 20, height: 12, seed: 1)
    let decoded = try train.withPixels(at: 2) { $0.planarBytes() }
    #expect(decoded == expectedPNG.withPixels { $0.planarBytes() })
    let jpeg = try train.image(at: 1)
    #expect(jpeg.width == 24 && jpeg.height == 16)
    let reference = Self.gradient(width: 24, height: 16, seed: 2).bytes
    let worst = zip(jpeg.bytes, reference).map { abs(Int($0) - Int($1)) }.max() ?? 255
    #expect(worst <= 12)
    let misnamed = try train.image(at: 0)
    #expect(misnamed.width == 10)
  }

  @Test func pngWithAlphaDropsAlpha() throws {
    let rgba = DecodedImage(width: 2, height: 1, step: 4, bytes: [10, 20, 30, 0, 200, 100, 50, 128])
    let decoded = try ImageCodec.decode(ImageCodec.encodePNG(rgba), file: "alpha.png")
    #expect(decoded.width == 2)
    decoded.withPixels { pixels in
      #expect(pixels.planarBytes() == [10, 200, 20, 100, 30, 50])
    }
  }

  @Test func batchesFromAFolderAreDecodedLazily() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Self.makeTree(folder)
    let train = try ImageFolder(root: folder.file("train"))
    let small = Augmentation(
      geometry: .randomResizedCrop(size: 16, scale: 0.08...1, ratio: 0.75...(4.0 / 3)),
      flipProbability: 0.5, mean: Augmentation.imageNetMean, std: Augmentation.imageNetStd)
    let loader = BatchLoader(dataset: train, batchSize: 2, augmentation: small, seed: 9)
    let iterator = loader.batches(epoch: 0)
    var seen: [Int] = []
    while let batch = try iterator.next() {
      #expect(batch.imageShape == ImageShape(channels: 3, height: 16, width: 16))
      #expect(batch.images.count == batch.count * 3 * 16 * 16)
      #expect(batch.images.allSatisfy { $0.isFinite && abs($0) < 3 })
      seen += batch.indices
    }
    #expect(seen.sorted() == Array(0..<5))
    // The ImageNet test transform (Resize 256 + CenterCrop 224) on a real decode.
    let test = BatchLoader(dataset: train, indices: [1], batchSize: 1, shuffle: false,
      augmentation: .imageNetTest, prefetch: false)
    let batch = try #require(try test.batches(epoch: 0).next())
    #expect(batch.images.count == 3 * 224 * 224)
  }

  // MARK: Bad folders

  @Test func emptyClassFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "train/full/a.png", ImageCodec.encodePNG(Self.gradient(width: 4, height: 4, seed: 0)))
    try folder.write("train/hollow/readme.txt", Array("x".utf8))
    let message = errorMessage { _ = try ImageFolder(root: folder.file("train")) }
    #expect(message.contains(folder.file("train").path + "/hollow"))
    #expect(message.contains("empty class folder"))

    try folder.makeFolder("none")
    #expect(errorMessage { _ = try ImageFolder(root: folder.file("none")) }
      .contains("no class folders"))
  }

  @Test func undecodableImageNamesTheFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "train/a/good.png", ImageCodec.encodePNG(Self.gradient(width: 4, height: 4, seed: 0)))
    var broken = try ImageCodec.encodeJPEG(Self.gradient(width: 16, height: 16, seed: 1))
    broken = Array(broken.prefix(4)) + Array(repeating: 0x00, count: 40)
    let jpeg = try folder.write("train/a/broken.jpg", broken)
    let png = try folder.write("train/b/cut.png",
      Array(try ImageCodec.encodePNG(Self.gradient(width: 16, height: 16, seed: 2)).prefix(40)))
    let junk = try folder.write("train/b/junk.jpeg", Array("GIF89a and more".utf8))
    let set = try ImageFolder(root: folder.file("train"))  // scanning decodes nothing
    #expect(set.count == 4)
    for (index, url) in [(0, jpeg), (2, png), (3, junk)] {
      #expect(set.paths[index] == url.path)
      let message = errorMessage { _ = try set.image(at: index) }
      #expect(message.contains(url.path))
      #expect(message.contains("cannot decode image"))
    }
    // Assembling a batch reports the file too (here from the prefetch thread).
    let loader = BatchLoader(dataset: set, indices: [1, 0], batchSize: 2, shuffle: false,
      augmentation: .imageNetTest, prefetch: true)
    let message = errorMessage { _ = try loader.batches(epoch: 0).next() }
    #expect(message.contains(jpeg.path))
  }
}
