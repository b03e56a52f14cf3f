import Common
import Data
import Foundation
import Testing

@Suite struct AugmentationTests {
  /// A 1-channel 4×4 image holding 10, 20, …, 160 row by row.
  static let tiny: [UInt8] = (1...16).map { UInt8($0 * 10) }
  static let identity = Augmentation(
    geometry: .randomCrop(size: 4, padding: 1), mean: [0], std: [1])

  static func apply(_ augmentation: Augmentation, _ bytes: [UInt8], _ shape: ImageShape,
    _ parameters: Augmentation.Parameters) -> [Float]
  {
    let count = augmentation.outputShape(for: shape).elementCount
    var out = [Float](repeating: .nan, count: count)
    bytes.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer {
        augmentation.apply(.planar(source.baseAddress!, shape: shape), parameters: parameters,
          into: $0.baseAddress!)
      }
    }
    return out
  }

  static func bytes(_ values: [Float]) -> [Int] { values.map { Int(($0 * 255).rounded()) } }

  @Test func cropWithZeroPaddingAndFlip() {
    let shape = ImageShape(channels: 1, height: 4, width: 4)
    // Window shifted up one row and left one column: top row and left column are padding.
    let shifted = Self.bytes(Self.apply(Self.identity, Self.tiny, shape,
      .init(top: -1, left: -1, height: 4, width: 4)))
    #expect(shifted == [0, 0, 0, 0, 0, 10, 20, 30, 0, 50, 60, 70, 0, 90, 100, 110])
    // Flipped after cropping: each row reversed.
    let flipped = Self.bytes(Self.apply(Self.identity, Self.tiny, shape,
      .init(top: 1, left: 0, height: 4, width: 4, flip: true)))
    #expect(flipped == [80, 70, 60, 50, 120, 110, 100, 90, 160, 150, 140, 130, 0, 0, 0, 0])
  }

  @Test func cropOffsetsCoverThePaddedRange() {
    var rng = SplitMix64(seed: 1)
    var tops = Set<Int>(), lefts = Set<Int>()
    var flips = 0
    let draws = 4000
    for _ in 0..<draws {
      let p = Augmentation.cifar100Train.sampleParameters(for: .cifar, using: &rng)
      tops.insert(p.top)
      lefts.insert(p.left)
      if p.flip { flips += 1 }
      #expect(p.brightnessFactor >= 1 - 63.0 / 255 && p.brightnessFactor <= 1 + 63.0 / 255)
    }
    #expect(tops == Set(-4...4))
    #expect(lefts == Set(-4...4))
    #expect(flips > draws * 45 / 100 && flips < draws * 55 / 100)
  }

  @Test func deterministicForASeed() throws {
    let image = ImageArray.synthetic(count: 1, shape: .cifar, classCount: 1, seed: 3)
    func run(_ seed: UInt64) throws -> [Float] {
      var rng = SplitMix64(seed: seed)
      return try image.withPixels(at: 0) { Augmentation.cifar100Train($0, using: &rng) }
    }
    let first = try run(42), again = try run(42), other = try run(43)
    #expect(first == again)
    #expect(first != other)
  }

  /// ToTensor + Normalize in Float32, against numpy float32 doing torchvision's arithmetic.
  @Test func normalizationMatchesFloat32Reference() throws {
    let values: [UInt8] = [0, 1, 77, 128, 200, 255]
    let text = try Python.run("""
      import numpy as np
      mean = np.array([0.5071, 0.4867, 0.4408], dtype=np.float32)
      std = np.array([0.2675, 0.2565, 0.2761], dtype=np.float32)
      v = np.array([0, 1, 77, 128, 200, 255], dtype=np.float32) / np.float32(255)
      out = (v[None, :] - mean[:, None]) / std[:, None]
      print(' '.join(str(int(x)) for x in out.astype(np.float32).view(np.uint32).ravel()))
      """)
    let expected = text.split(separator: " ").map {
      Float(bitPattern: UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines))!)
    }
    // A 3-channel 1×6 image whose every channel holds `values`.
    let shape = ImageShape(channels: 3, height: 1, width: 6)
    let out = Self.apply(Augmentation.cifar100Test, values + values + values, shape,
      .init(top: 0, left: 0, height: 1, width: 6))
    #expect(out == expected)
    #expect(abs(out[0] - (0 - 0.5071) / 0.2675) < 1e-6)
  }

  /// Pillow's brightness: value·factor truncated to 8 bits and clamped at 255.
  @Test func brightnessAsPillow() {
    let shape = ImageShape(channels: 1, height: 1, width: 4)
    let values: [UInt8] = [101, 200, 250, 0]
    let plain = Augmentation(mean: [0], std: [1])
    let darker = Self.bytes(Self.apply(plain, values, shape,
      .init(top: 0, left: 0, height: 1, width: 4, brightnessFactor: 0.8)))
    #expect(darker == [80, 160, 200, 0])  // 80.8 → 80
    let brighter = Self.bytes(Self.apply(plain, values, shape,
      .init(top: 0, left: 0, height: 1, width: 4, brightnessFactor: 1.2)))
    #expect(brighter == [121, 240, 255, 0])  // 121.2 → 121, 300 → 255
  }

  /// Pillow's antialiased bilinear resampling, worked by hand from Resample.c.
  @Test func bilinearResizeAsPillow() {
    // 4 → 2 columns: support 2, weights (3/7, 3/7, 1/7) and (1/7, 3/7, 3/7) in 22-bit fixed
    // point, rounded: 101·3/7 + 200·1/7 = 71.86 → 72; 101/7 + 200·3/7 + 255·3/7 = 209.4 → 209.
    let toTwo = Augmentation(
      geometry: .randomResizedCrop(size: 2, scale: 1...1, ratio: 1...1), mean: [0], std: [1])
    let row: [UInt8] = [0, 101, 200, 255]
    let halved = Self.bytes(Self.apply(
      toTwo, row + row, ImageShape(channels: 1, height: 2, width: 4),
      .init(top: 0, left: 0, height: 2, width: 4, resizedHeight: 2, resizedWidth: 2)))
    #expect(halved == [72, 209, 72, 209])
    // 2 → 4 columns (upsampling, support 1): a, ¾a + ¼b, ¼a + ¾b, b.
    let toFour = Augmentation(
      geometry: .randomResizedCrop(size: 4, scale: 1...1, ratio: 1...1), mean: [0], std: [1])
    let doubled = Self.bytes(Self.apply(toFour,
      [0, 200, 0, 200, 0, 200, 0, 200], ImageShape(channels: 1, height: 4, width: 2),
      .init(top: 0, left: 0, height: 4, width: 2, resizedHeight: 4, resizedWidth: 4)))
    #expect(Array(doubled.prefix(4)) == [0, 50, 150, 200])
    #expect(Array(doubled.suffix(4)) == [0, 50, 150, 200])
  }

  @Test func resizeCenterCropParameters() {
    var rng = SplitMix64(seed: 0)
    let p = Augmentation.imageNetTest.sampleParameters(
      for: ImageShape(channels: 3, height: 300, width: 400), using: &rng)
    // Resize(256): 256 × int(256·400/300) = 256 × 341; CenterCrop(224): round(16), round(58.5).
    #expect(p.resizedHeight == 256 && p.resizedWidth == 341)
    #expect(p.outputTop == 16 && p.outputLeft == 58)
    #expect(!p.flip && p.brightnessFactor == 1)
    // A constant image stays constant through resize and crop.
    let constant = [UInt8](repeating: 90, count: 3 * 300 * 400)
    let out = Self.apply(
      .imageNetTest, constant, ImageShape(channels: 3, height: 300, width: 400), p)
    #expect(out.count == 3 * 224 * 224)
    for c in 0..<3 {
      let expected = (Float(90) / 255 - Augmentation.imageNetMean[c]) / Augmentation.imageNetStd[c]
      #expect(out[c * 224 * 224..<(c + 1) * 224 * 224].allSatisfy { $0 == expected })
    }
  }

  @Test func randomResizedCropStaysInside() {
    var rng = SplitMix64(seed: 11)
    for _ in 0..<500 {
      let p = Augmentation.imageNetTrain.sampleParameters(
        for: ImageShape(channels: 3, height: 50, width: 80), using: &rng)
      #expect(p.top >= 0 && p.left >= 0 && p.top + p.height <= 50 && p.left + p.width <= 80)
      #expect(p.height * p.width >= 1)
      #expect(p.resizedHeight == 224 && p.resizedWidth == 224)
    }
  }
}
