import CPNG
import CTurboJPEG
import Foundation

/// An 8-bit RGB image decoded from a file: interleaved rows with `step` bytes per pixel, of which
/// the first three are R, G, B (a fourth, alpha, is ignored as PIL's `convert("RGB")` drops it).
public struct DecodedImage: Sendable {
  public let width: Int
  public let height: Int
  public let step: Int
  public let bytes: [UInt8]

  public init(width: Int, height: Int, step: Int, bytes: [UInt8]) {
    precondition(bytes.count == width * height * step, "DecodedImage: wrong byte count")
    self.width = width
    self.height = height
    self.step = step
    self.bytes = bytes
  }

  public var shape: ImageShape { ImageShape(channels: 3, height: height, width: width) }

  public func withPixels<R>(_ body: (ImagePixels) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer {
      try body(.interleaved($0.baseAddress!, shape: shape, step: step))
    }
  }
}

/// JPEG through TurboJPEG and PNG through libpng's simplified API: the only Swift code that calls
/// either library. Decoding yields RGB as torchvision's `pil_loader` (`Image.convert("RGB")`)
/// does: greyscale and palette images are expanded, alpha is dropped. The format is sniffed from
/// the first bytes, not the extension (ImageNet has PNG files named .JPEG).
public enum ImageCodec {
  /// Images above this many pixels are refused rather than allocated (a corrupt header).
  public static let maximumPixels = 1 << 28

  /// Reads and decodes a JPEG or PNG file.
  public static func decode(file url: URL) throws -> DecodedImage {
    let path = url.path
    let bytes: [UInt8]
    do {
      bytes = try [UInt8](Foundation.Data(contentsOf: url))
    } catch {
      throw DataError.unreadable(file: path, reason: error.localizedDescription)
    }
    return try decode(bytes, file: path)
  }

  /// Decodes JPEG or PNG bytes; `file` names them in errors.
  public static func decode(_ bytes: [UInt8], file: String) throws -> DecodedImage {
    if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(bytes, file: file) }
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
      return try decodePNG(bytes, file: file)
    }
    let head = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
    throw DataError.undecodableImage(
      file: file, reason: "signature at offset 0 is neither JPEG nor PNG (first bytes: "
        + "\(head.isEmpty ? "none" : head))")
  }

  // MARK: JPEG

  static func decodeJPEG(_ bytes: [UInt8], file: String) throws -> DecodedImage {
    guard let handle = tjInitDecompress() else {
      throw DataError.undecodableImage(file: file, reason: "tjInitDecompress failed")
    }
    defer { tjDestroy(handle) }
    // The stage names where decoding stopped: the header (markers, tables, size) or the data.
    func failure(_ stage: String, _ call: String) -> DataError {
      .undecodableImage(file: file, reason: "\(stage) (\(call)): "
        + String(cString: tjGetErrorStr2(handle)))
    }
    var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
    let headerStatus = bytes.withUnsafeBufferPointer {
      tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling,
        &colorspace)
    }
    if headerStatus != 0 { throw failure("JPEG header", "tjDecompressHeader3") }
    try checkSize(Int(width), Int(height), file: file, stage: "JPEG header")
    // CMYK/YCCK cannot be converted to RGB by libjpeg; decode CMYK and convert below.
    let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
    let step = cmyk ? 4 : 3
    let format = cmyk ? TJPF_CMYK : TJPF_RGB
    var out = [UInt8](repeating: 0, count: Int(width) * Int(height) * step)
    let status = bytes.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        tjDecompress2(handle, source.baseAddress, UInt(source.count), target.baseAddress,
          width, 0, height, Int32(format.rawValue), 0)
      }
    }
    // Warnings (e.g. extraneous bytes) still produce an image, as PIL accepts them; a file cut
    // short is a warning too (libjpeg fills the rest with grey), which PIL refuses ("image file
    // is truncated") and so does Strata.
    if status != 0 && (tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue)
      || String(cString: tjGetErrorStr2(handle)).hasPrefix("Premature end"))
    {
      throw failure("JPEG data", "tjDecompress2")
    }
    if cmyk {
      // Adobe CMYK JPEGs store inverted values; Pillow's "CMYK;I" → RGB is then c·k/255.
      var rgb = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
      for p in 0..<Int(width) * Int(height) {
        let k = UInt32(out[4 * p + 3])
        for c in 0..<3 { rgb[3 * p + c] = UInt8((UInt32(out[4 * p + c]) * k + 127) / 255) }
      }
      return DecodedImage(width: Int(width), height: Int(height), step: 3, bytes: rgb)
    }
    return DecodedImage(width: Int(width), height: Int(height), step: 3, bytes: out)
  }

  /// Encodes RGB (step 3) pixels as a baseline JPEG with 4:4:4 sampling.
  public static func encodeJPEG(_ image: DecodedImage, quality: Int = 95) throws -> [UInt8] {
    precondition(image.step == 3, "encodeJPEG takes RGB pixels")
    guard let handle = tjInitCompress() else {
      throw DataError.undecodableImage(file: "<memory>", reason: "tjInitCompress failed")
    }
    defer { tjDestroy(handle) }
    var jpeg: UnsafeMutablePointer<UInt8>? = nil
    var size: UInt = 0
    let status = image.bytes.withUnsafeBufferPointer {
      tjCompress2(handle, $0.baseAddress, Int32(image.width), 0, Int32(image.height),
        Int32(TJPF_RGB.rawValue), &jpeg, &size, Int32(TJSAMP_444.rawValue), Int32(quality), 0)
    }
    defer { if let jpeg { tjFree(jpeg) } }
    guard status == 0, let jpeg else {
      throw DataError.undecodableImage(
        file: "<memory>", reason: "tjCompress2: \(String(cString: tjGetErrorStr2(handle)))")
    }
    return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
  }

  // MARK: PNG

  static let pngRGBA = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
  static let pngRGB = UInt32(PNG_FORMAT_FLAG_COLOR)

  static func decodePNG(_ bytes: [UInt8], file: String) throws -> DecodedImage {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    // The stage names where decoding stopped; libpng's message names the chunk (IHDR, IDAT).
    func failure(_ stage: String, _ call: String) -> DataError {
      .undecodableImage(
        file: file, reason: "\(stage) (\(call)): \(String(cString: strata_png_image_message(&image)))")
    }
    let begun = bytes.withUnsafeBufferPointer {
      png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count)
    }
    if begun == 0 { throw failure("PNG header", "png_image_begin_read_from_memory") }
    let width = Int(image.width), height = Int(image.height)
    do { try checkSize(width, height, file: file, stage: "PNG header") } catch {
      png_image_free(&image)
      throw error
    }
    // RGBA keeps colour values unassociated (not premultiplied) for 8-bit output; alpha is then
    // ignored, as PIL's RGBA → RGB does. Without alpha in the file, request RGB directly.
    let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
    image.format = hasAlpha ? pngRGBA : pngRGB
    let step = hasAlpha ? 4 : 3
    var out = [UInt8](repeating: 0, count: width * height * step)
    let finished = out.withUnsafeMutableBytes {
      png_image_finish_read(&image, nil, $0.baseAddress, 0, nil)
    }
    if finished == 0 { throw failure("PNG data", "png_image_finish_read") }
    return DecodedImage(width: width, height: height, step: step, bytes: out)
  }

  /// Encodes RGB (step 3) or RGBA (step 4) pixels as an 8-bit PNG.
  public static func encodePNG(_ image: DecodedImage) throws -> [UInt8] {
    precondition(image.step == 3 || image.step == 4, "encodePNG takes RGB or RGBA pixels")
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    png.width = UInt32(image.width)
    png.height = UInt32(image.height)
    png.format = image.step == 4 ? pngRGBA : pngRGB
    func failure() -> DataError {
      .undecodableImage(file: "<memory>",
        reason: "png_image_write_to_memory: \(String(cString: strata_png_image_message(&png)))")
    }
    var size = 0
    let sized = image.bytes.withUnsafeBytes {
      png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, 0, nil)
    }
    if sized == 0 { throw failure() }
    var out = [UInt8](repeating: 0, count: size)
    let written = out.withUnsafeMutableBytes { target in
      image.bytes.withUnsafeBytes {
        png_image_write_to_memory(&png, target.baseAddress, &size, 0, $0.baseAddress, 0, nil)
      }
    }
    if written == 0 { throw failure() }
    return Array(out.prefix(size))
  }

  static func checkSize(_ width: Int, _ height: Int, file: String, stage: String) throws {
    guard width > 0, height > 0, width * height <= maximumPixels else {
      throw DataError.undecodableImage(
        file: file, reason: "\(stage): implausible size \(width)×\(height)")
    }
  }
}
