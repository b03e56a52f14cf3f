import Common
import Foundation

/// The image transform of the reference code, from 8-bit pixels to a normalized Float CHW image:
/// geometry (crop, resize), horizontal flip, brightness jitter, then `ToTensor` + `Normalize`.
///
/// Presets follow PyCIL's `utils/data.py`:
/// - CIFAR train (`iCIFAR10`/`iCIFAR100`): `RandomCrop(32, padding=4)` (zero padding),
///   `RandomHorizontalFlip(p=0.5)`, `ColorJitter(brightness=63/255)`; test: normalization only.
/// - ImageNet-style image folders (`iImageNet100`): train `RandomResizedCrop(224)` +
///   `RandomHorizontalFlip()`; test `Resize(256)` + `CenterCrop(224)`; bilinear, ImageNet
///   mean/std.
/// - Fashion-MNIST (not in PyCIL): train `RandomCrop(28, padding=4)` + flip, no jitter (a grey
///   28×28 image gains nothing from it); mean 0.2860, std 0.3530 (the training set's statistics).
///
/// Semantics are torchvision's on PIL images, including where PIL rounds: brightness is Pillow's
/// `ImageEnhance.Brightness` (`Image.blend` with black: value·factor truncated to 8 bits,
/// clamped at 255, i.e. "multiply by a factor uniform in [1−b, 1+b] and clamp to [0, 1]" on the
/// 8-bit image); resizing is Pillow's antialiased bilinear resampling with its 22-bit fixed-point
/// weights (`Augmentation+Resample.swift`). `ToTensor`/`Normalize` are computed in Float32 in
/// torchvision's order, `(v / 255 − mean) / std`.
///
/// Randomness comes from the caller's `SplitMix64`, never the system generator. Per image the
/// draws are, in order: the geometry (crop offsets top then left; or RandomResizedCrop's
/// scale/ratio attempts then offsets), the flip (`uniform < p`), the brightness factor
/// (`uniform(max(0, 1−b), 1+b)`, only when `b > 0`).
public struct Augmentation: Sendable, Equatable {
  public enum Geometry: Sendable, Equatable {
    /// Keep the image as it is.
    case none
    /// torchvision `RandomCrop(size, padding=padding)` with zero fill.
    case randomCrop(size: Int, padding: Int)
    /// torchvision `RandomResizedCrop(size, scale, ratio)`, bilinear.
    case randomResizedCrop(size: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>)
    /// torchvision `Resize(resize)` (shorter side) then `CenterCrop(crop)`, bilinear.
    case resizeCenterCrop(resize: Int, crop: Int)
  }

  public var geometry: Geometry
  /// Probability of a horizontal flip (0 = never).
  public var flipProbability: Double
  /// ColorJitter's brightness `b` (0 = off).
  public var brightness: Double
  /// Per-channel mean and standard deviation for `Normalize`.
  public var mean: [Float]
  public var std: [Float]

  public init(
    geometry: Geometry = .none, flipProbability: Double = 0, brightness: Double = 0,
    mean: [Float], std: [Float]
  ) {
    precondition(mean.count == std.count && !mean.isEmpty,
      "mean and std need one value per channel")
    precondition(std.allSatisfy { $0 > 0 }, "std must be positive")
    self.geometry = geometry
    self.flipProbability = flipProbability
    self.brightness = brightness
    self.mean = mean
    self.std = std
  }

  /// The random choices for one image, drawn by `sampleParameters` (or set by hand in tests).
  public struct Parameters: Sendable, Equatable {
    /// Source window (may reach outside the image: zero padding): top, left, height, width.
    public var top: Int
    public var left: Int
    public var height: Int
    public var width: Int
    /// The window is resampled to this size (equal to the window: no resampling).
    public var resizedHeight: Int
    public var resizedWidth: Int
    /// Position of the output inside the resized window (CenterCrop's offset).
    public var outputTop: Int
    public var outputLeft: Int
    public var flip: Bool
    /// Brightness factor (1 = unchanged).
    public var brightnessFactor: Double

    public init(
      top: Int, left: Int, height: Int, width: Int, resizedHeight: Int? = nil,
      resizedWidth: Int? = nil, outputTop: Int = 0, outputLeft: Int = 0, flip: Bool = false,
      brightnessFactor: Double = 1
    ) {
      self.top = top
      self.left = left
      self.height = height
      self.width = width
      self.resizedHeight = resizedHeight ?? height
      self.resizedWidth = resizedWidth ?? width
      self.outputTop = outputTop
      self.outputLeft = outputLeft
      self.flip = flip
      self.brightnessFactor = brightnessFactor
    }
  }

  // MARK: Presets (PyCIL)

  public static let cifar10Mean: [Float] = [0.4914, 0.4822, 0.4465]
  public static let cifar10Std: [Float] = [0.2023, 0.1994, 0.2010]
  public static let cifar100Mean: [Float] = [0.5071, 0.4867, 0.4408]
  public static let cifar100Std: [Float] = [0.2675, 0.2565, 0.2761]
  public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
  public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]
  public static let fashionMNISTMean: [Float] = [0.2860]
  public static let fashionMNISTStd: [Float] = [0.3530]

  /// PyCIL's CIFAR training transform with the given statistics.
  public static func cifarTrain(mean: [Float], std: [Float]) -> Augmentation {
    Augmentation(
      geometry: .randomCrop(size: 32, padding: 4), flipProbability: 0.5, brightness: 63.0 / 255,
      mean: mean, std: std)
  }

  public static let cifar10Train = cifarTrain(mean: cifar10Mean, std: cifar10Std)
  public static let cifar10Test = Augmentation(mean: cifar10Mean, std: cifar10Std)
  public static let cifar100Train = cifarTrain(mean: cifar100Mean, std: cifar100Std)
  public static let cifar100Test = Augmentation(mean: cifar100Mean, std: cifar100Std)
  public static let fashionMNISTTrain = Augmentation(
    geometry: .randomCrop(size: 28, padding: 4), flipProbability: 0.5,
    mean: fashionMNISTMean, std: fashionMNISTStd)
  public static let fashionMNISTTest = Augmentation(mean: fashionMNISTMean, std: fashionMNISTStd)
  public static let imageNetTrain = imageFolderTrain(size: 224)
  public static let imageNetTest = imageFolderTest(size: 224)

  // MARK: Shapes and parameters

  /// The output shape for an input of `input`'s shape.
  public func outputShape(for input: ImageShape) -> ImageShape {
    switch geometry {
    case .none: return input
    case .randomCrop(let size, _), .randomResizedCrop(let size, _, _):
      return ImageShape(channels: input.channels, height: size, width: size)
    case .resizeCenterCrop(_, let crop):
      return ImageShape(channels: input.channels, height: crop, width: crop)
    }
  }

  /// The output shape when it does not depend on the input's size (every geometry but `.none`).
  public func fixedOutputSize() -> (height: Int, width: Int)? {
    switch geometry {
    case .none: return nil
    case .randomCrop(let size, _), .randomResizedCrop(let size, _, _): return (size, size)
    case .resizeCenterCrop(_, let crop): return (crop, crop)
    }
  }

  /// Draws the random choices for an image of `input`'s size.
  public func sampleParameters(for input: ImageShape, using rng: inout SplitMix64) -> Parameters {
    let h = input.height, w = input.width
    var p: Parameters
    switch geometry {
    case .none:
      p = Parameters(top: 0, left: 0, height: h, width: w)
    case .randomCrop(let size, let padding):
      // torchvision pads first, then picks i in [0, H+2p−size], j likewise.
      let i = rng.nextInt(below: max(h + 2 * padding - size + 1, 1))
      let j = rng.nextInt(below: max(w + 2 * padding - size + 1, 1))
      p = Parameters(top: i - padding, left: j - padding, height: size, width: size)
    case .randomResizedCrop(let size, let scale, let ratio):
      let box = Self.randomResizedCropBox(
        height: h, width: w, scale: scale, ratio: ratio, rng: &rng)
      p = Parameters(
        top: box.top, left: box.left, height: box.height, width: box.width,
        resizedHeight: size, resizedWidth: size)
    case .resizeCenterCrop(let resize, let crop):
      let resized = Self.resizedShorterSide(height: h, width: w, to: resize)
      p = Parameters(
        top: 0, left: 0, height: h, width: w, resizedHeight: resized.height,
        resizedWidth: resized.width,
        outputTop: Self.centerCropOffset(resized.height, crop),
        outputLeft: Self.centerCropOffset(resized.width, crop))
    }
    if flipProbability > 0 { p.flip = rng.nextUniform() < flipProbability }
    if brightness > 0 {
      p.brightnessFactor = rng.nextUniform(max(0, 1 - brightness), 1 + brightness)
    }
    return p
  }

  /// torchvision `RandomResizedCrop.get_params`: up to ten tries of a random area fraction and
  /// log-uniform aspect ratio, else the central crop clamped to the ratio range.
  static func randomResizedCropBox(
    height: Int, width: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
    rng: inout SplitMix64
  ) -> (top: Int, left: Int, height: Int, width: Int) {
    let area = Double(height * width)
    let logLower = Foundation.log(ratio.lowerBound), logUpper = Foundation.log(ratio.upperBound)
    for _ in 0..<10 {
      let targetArea = area * rng.nextUniform(scale.lowerBound, scale.upperBound)
      let aspect = Foundation.exp(rng.nextUniform(logLower, logUpper))
      // Python's round() rounds half to even.
      let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
      let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
      if w > 0 && w <= width && h > 0 && h <= height {
        let i = rng.nextInt(below: height - h + 1)
        let j = rng.nextInt(below: width - w + 1)
        return (i, j, h, w)
      }
    }
    let inRatio = Double(width) / Double(height)
    var w = width, h = height
    if inRatio < ratio.lowerBound {
      h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
    } else if inRatio > ratio.upperBound {
      w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
    }
    return ((height - h) / 2, (width - w) / 2, h, w)
  }

  /// torchvision `Resize(size)` with an int: the shorter side becomes `size`, the longer
  /// `int(size · long / short)`.
  static func resizedShorterSide(height: Int, width: Int, to size: Int) -> (height: Int, width: Int)
  {
    if width <= height {
      return (Int(Double(size) * Double(height) / Double(width)), size)
    }
    return (size, Int(Double(size) * Double(width) / Double(height)))
  }

  /// torchvision `CenterCrop`: `int(round((size − crop) / 2))`; an image smaller than the crop is
  /// zero-padded by `(crop − size) // 2` before.
  static func centerCropOffset(_ size: Int, _ crop: Int) -> Int {
    if size < crop { return -((crop - size) / 2) }
    return Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
  }

  // MARK: Applying

  /// Draws parameters and transforms `pixels` into `output`
  /// (`outputShape(for: pixels.shape).elementCount` Floats, CHW).
  public func apply(
    _ pixels: ImagePixels, using rng: inout SplitMix64, into output: UnsafeMutablePointer<Float>
  ) {
    apply(pixels, parameters: sampleParameters(for: pixels.shape, using: &rng), into: output)
  }

  /// Transforms `pixels` with fixed parameters into `output` (CHW Floats of the output shape).
  public func apply(
    _ pixels: ImagePixels, parameters p: Parameters, into output: UnsafeMutablePointer<Float>
  ) {
    let channels = pixels.shape.channels
    precondition(channels == mean.count,
      "image has \(channels) channels, normalization has \(mean.count)")
    let out = outputShape(for: pixels.shape)
    let table = lookupTable(brightnessFactor: p.brightnessFactor)
    table.withUnsafeBufferPointer { lut in
      if p.resizedHeight == p.height && p.resizedWidth == p.width {
        // Crop (with zero padding) and flip straight from the source.
        Self.sample(
          pixels, top: p.top + p.outputTop, left: p.left + p.outputLeft, out: out, flip: p.flip,
          lut: lut.baseAddress!, into: output)
      } else {
        let resampled = Self.resample(pixels, parameters: p, out: out)
        resampled.withUnsafeBufferPointer { buffer in
          Self.sample(
            .planar(buffer.baseAddress!, shape: out), top: 0, left: 0, out: out, flip: p.flip,
            lut: lut.baseAddress!, into: output)
        }
      }
    }
  }

  /// Convenience: the transformed image as a new array.
  public func callAsFunction(_ pixels: ImagePixels, using rng: inout SplitMix64) -> [Float] {
    let count = outputShape(for: pixels.shape).elementCount
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      apply(pixels, using: &rng, into: buffer.baseAddress!)
      initialized = count
    }
  }

  /// 256 entries per channel: 8-bit value → brightness (Pillow) → ToTensor → Normalize.
  func lookupTable(brightnessFactor: Double) -> [Float] {
    let alpha = Float(brightnessFactor)  // Pillow's blend takes a C float
    var table = [Float](repeating: 0, count: 256 * mean.count)
    for c in 0..<mean.count {
      for v in 0..<256 {
        var q = Float(v)
        if alpha != 1 {
          q = min((alpha * Float(v)).rounded(.towardZero), 255)
        }
        table[c * 256 + v] = (q / 255 - mean[c]) / std[c]
      }
    }
    return table
  }

  /// out[c, y, x] = lut[c][src[c, top + y, left + x']] with x' = flip ? W−1−x : x and zero
  /// outside the source.
  static func sample(
    _ src: ImagePixels, top: Int, left: Int, out: ImageShape, flip: Bool,
    lut: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
  ) {
    let h = src.shape.height, w = src.shape.width
    let ow = out.width, oh = out.height
    // Output columns whose source column is inside the image.
    for c in 0..<out.channels {
      let table = lut + c * 256
      let zero = table[0]
      let plane = output + c * oh * ow
      for y in 0..<oh {
        let row = plane + y * ow
        let sy = top + y
        if sy < 0 || sy >= h {
          row.update(repeating: zero, count: ow)
          continue
        }
        let srcRow = src.base + c * src.channelStride + sy * src.rowStride
        let step = src.columnStride
        for x in 0..<ow {
          let sx = left + (flip ? ow - 1 - x : x)
          row[x] = (sx >= 0 && sx < w) ? table[Int(srcRow[sx * step])] : zero
        }
      }
    }
  }
}
