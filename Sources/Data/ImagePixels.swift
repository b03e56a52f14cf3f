/// A read-only strided view of one 8-bit image, valid only inside the closure that hands it out.
///
/// Strides let one augmentation path read planar CHW images (CIFAR, IDX, held in memory) and
/// interleaved HWC or RGBA images (decoded JPEG/PNG) without converting them first.
public struct ImagePixels {
  public let base: UnsafePointer<UInt8>
  public let shape: ImageShape
  public let channelStride: Int
  public let rowStride: Int
  public let columnStride: Int

  public init(
    base: UnsafePointer<UInt8>, shape: ImageShape,
    channelStride: Int, rowStride: Int, columnStride: Int
  ) {
    self.base = base
    self.shape = shape
    self.channelStride = channelStride
    self.rowStride = rowStride
    self.columnStride = columnStride
  }

  /// A planar (CHW) image, as CIFAR and IDX files store it.
  public static func planar(_ base: UnsafePointer<UInt8>, shape: ImageShape) -> ImagePixels {
    ImagePixels(
      base: base, shape: shape, channelStride: shape.height * shape.width,
      rowStride: shape.width, columnStride: 1)
  }

  /// An interleaved image with `step` bytes per pixel of which the first `shape.channels` are used
  /// (RGB: step 3; RGBA with alpha ignored: step 4).
  public static func interleaved(
    _ base: UnsafePointer<UInt8>, shape: ImageShape, step: Int
  ) -> ImagePixels {
    ImagePixels(
      base: base, shape: shape, channelStride: 1, rowStride: shape.width * step,
      columnStride: step)
  }

  @inline(__always)
  public subscript(channel: Int, y: Int, x: Int) -> UInt8 {
    base[channel * channelStride + y * rowStride + x * columnStride]
  }

  /// A rectangular window of this image (no copy).
  public func cropped(top: Int, left: Int, height: Int, width: Int) -> ImagePixels {
    precondition(top >= 0 && left >= 0 && top + height <= shape.height
      && left + width <= shape.width, "crop window outside the image")
    return ImagePixels(
      base: base + top * rowStride + left * columnStride,
      shape: ImageShape(channels: shape.channels, height: height, width: width),
      channelStride: channelStride, rowStride: rowStride, columnStride: columnStride)
  }

  /// The image copied into planar CHW order.
  public func planarBytes() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: shape.elementCount)
    var i = 0
    for c in 0..<shape.channels {
      for y in 0..<shape.height {
        for x in 0..<shape.width {
          out[i] = self[c, y, x]
          i += 1
        }
      }
    }
    return out
  }
}
