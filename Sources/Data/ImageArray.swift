import Common
/// Images held in memory as 8-bit planes, one image after another (N×C×H×W), with their labels:
/// what the IDX and CIFAR readers produce. 50,000 CIFAR images take 154 MB.
public struct ImageArray: ImageDataset {
  public let shape: ImageShape
  /// N×C×H×W bytes.
  public let pixels: [UInt8]
  public let labels: [Int32]
  public let classNames: [String]
  public let source: String

  /// - Precondition: `pixels.count == labels.count × shape.elementCount` and every label is a
  ///   valid index into `classNames` (the readers check files before they get here).
  public init(
    shape: ImageShape, pixels: [UInt8], labels: [Int32], classNames: [String], source: String
  ) {
    precondition(pixels.count == labels.count * shape.elementCount,
      "ImageArray: \(pixels.count) bytes is not \(labels.count) images of \(shape)")
    precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classNames.count },
      "ImageArray: label outside 0..<\(classNames.count)")
    self.shape = shape
    self.pixels = pixels
    self.labels = labels
    self.classNames = classNames
    self.source = source
  }

  public var count: Int { labels.count }
  public var imageShape: ImageShape? { shape }

  /// The planar bytes of image `index`.
  public func image(at index: Int) -> ArraySlice<UInt8> {
    let n = shape.elementCount
    return pixels[index * n..<(index + 1) * n]
  }

  public func withPixels<R>(at index: Int, _ body: (ImagePixels) throws -> R) throws -> R {
    precondition(index >= 0 && index < count, "image index \(index) outside 0..<\(count)")
    return try pixels.withUnsafeBufferPointer { buffer in
      try body(.planar(buffer.baseAddress! + index * shape.elementCount, shape: shape))
    }
  }

  /// Random images with balanced labels, reproducible from `seed`: for benchmarks and tests that
  /// need data of the right shape but not real pictures.
  public static func synthetic(
    count: Int, shape: ImageShape = .cifar, classCount: Int = 100, seed: UInt64 = 0
  ) -> ImageArray {
    var rng = SplitMix64(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * shape.elementCount)
    pixels.withUnsafeMutableBytes { raw in
      // Fill eight bytes per draw.
      let words = raw.count / 8
      for i in 0..<words { raw.storeBytes(of: rng.next(), toByteOffset: i * 8, as: UInt64.self) }
      for i in words * 8..<raw.count { raw[i] = UInt8(truncatingIfNeeded: rng.next()) }
    }
    let labels = (0..<count).map { Int32($0 % classCount) }
    return ImageArray(
      shape: shape, pixels: pixels, labels: labels,
      classNames: (0..<classCount).map { "class\($0)" }, source: "synthetic(seed \(seed))")
  }
}
