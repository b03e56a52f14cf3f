import Foundation

/// Reads MNIST-style IDX files (LeCun's format: a 4-byte magic `00 00 <type> <rank>`, then
/// `rank` big-endian UInt32 sizes, then the values), gzipped or raw. Strata reads only unsigned
/// byte data (type 0x08): images of rank 3 (N×rows×cols), labels of rank 1.
///
/// The built-in default data set is Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) as Debian's
/// `dataset-fashion-mnist` installs it.
public enum IDXReader {
  /// Where Debian's `dataset-fashion-mnist` puts the files.
  public static let defaultFashionMNISTDirectory = URL(
    fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)

  /// Fashion-MNIST's ten classes, by label.
  public static let fashionMNISTClassNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// The images of an IDX image file: count, rows, columns and the pixel bytes (N×rows×cols).
  public static func readImages(_ url: URL) throws -> (count: Int, rows: Int, columns: Int,
    pixels: [UInt8])
  {
    let path = url.path
    let start = 4 + 4 * 3
    let dims = try header(GzipFile.readAll(path, limit: start), path: path, rank: 3,
                          what: "images")
    let (count, rows, columns) = (dims[0], dims[1], dims[2])
    // An image of no pixels would pass every size check below and break the network later.
    for (name, value, offset) in [("rows", rows, 8), ("columns", columns, 12)] where value == 0 {
      throw DataError.invalidHeader(file: path, offset: offset,
        detail: "images of \(rows)×\(columns) pixels: \(name) must be at least 1")
    }
    // Each dimension fits 32 bits, their product may not: a crafted header must not trap.
    let (area, overflow1) = rows.multipliedReportingOverflow(by: columns)
    let (expected, overflow2) = count.multipliedReportingOverflow(by: area)
    guard !overflow1 && !overflow2 else {
      // The offset is the file's end, as for any truncation (known for a raw file).
      throw DataError.truncated(
        file: path, offset: GzipFile.bytesAfter(0, in: path) ?? start,
        detail: "header promises \(count) images of \(rows)×\(columns), more bytes than any "
          + "file holds")
    }
    // No more than the header declares, and one byte to see whether more follows.
    let bytes = try GzipFile.readAll(path, limit: start + expected + 1)
    let available = bytes.count - start
    if available < expected {
      // The last complete image tells where the data stops making sense.
      let imageBytes = rows * columns
      throw DataError.truncated(
        file: path, offset: bytes.count,
        detail: "header promises \(count) images of \(rows)×\(columns) (\(expected) bytes from "
          + "offset \(start)), the file holds \(available / imageBytes) complete images")
    }
    if available > expected {
      throw DataError.countMismatch(
        file: path, offset: start + expected,
        detail: "header says \(count) images of \(rows)×\(columns), but "
          + (GzipFile.bytesAfter(start + expected, in: path)
            .map { "\($0) bytes follow the last one" }
            ?? "more bytes follow the last one (the gzip stream was inflated no further)"))
    }
    return (count, rows, columns, Array(bytes[start...]))
  }

  /// The labels of an IDX label file, each checked against `classCount`.
  public static func readLabels(_ url: URL, classCount: Int) throws -> [Int32] {
    let path = url.path
    let start = 8
    let count = try header(GzipFile.readAll(path, limit: start), path: path, rank: 1,
                           what: "labels")[0]
    // No more than the header declares, and one byte to see whether more follows.
    let bytes = try GzipFile.readAll(path, limit: start + count + 1)
    let available = bytes.count - start
    if available < count {
      throw DataError.truncated(
        file: path, offset: bytes.count,
        detail: "header promises \(count) labels, the file holds \(available)")
    }
    if available > count {
      throw DataError.countMismatch(
        file: path, offset: start + count,
        detail: "header says \(count) labels, but "
          + (GzipFile.bytesAfter(start + count, in: path).map { "\($0) more bytes follow" }
            ?? "more bytes follow (the gzip stream was inflated no further)"))
    }
    var labels = [Int32](repeating: 0, count: count)
    for i in 0..<count {
      let label = bytes[start + i]
      if Int(label) >= classCount {
        throw DataError.labelOutOfRange(
          file: path, entry: i, offset: start + i, label: Int(label), classCount: classCount)
      }
      labels[i] = Int32(label)
    }
    return labels
  }

  /// An image file and its label file as one in-memory split (1 channel).
  public static func read(images: URL, labels: URL, classNames: [String]) throws -> ImageArray {
    let image = try readImages(images)
    let labelValues = try readLabels(labels, classCount: classNames.count)
    if labelValues.count != image.count {
      // Offset 4 holds the image count in the header.
      throw DataError.countMismatch(
        file: images.path, offset: 4,
        detail: "\(image.count) images but \(labelValues.count) labels in \(labels.path)")
    }
    return ImageArray(
      shape: ImageShape(channels: 1, height: image.rows, width: image.columns),
      pixels: image.pixels, labels: labelValues, classNames: classNames, source: images.path)
  }

  /// A Fashion-MNIST (or MNIST) split from a directory holding `train-images-idx3-ubyte[.gz]`,
  /// `train-labels-idx1-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`.
  public static func fashionMNIST(
    directory: URL = defaultFashionMNISTDirectory, split: DataSplit,
    classNames: [String] = fashionMNISTClassNames
  ) throws -> ImageArray {
    let prefix = split == .train ? "train" : "t10k"
    return try read(
      images: file(directory, "\(prefix)-images-idx3-ubyte"),
      labels: file(directory, "\(prefix)-labels-idx1-ubyte"),
      classNames: classNames)
  }

  /// `name.gz` if it exists, else `name`.
  private static func file(_ directory: URL, _ name: String) -> URL {
    let gz = directory.appendingPathComponent(name + ".gz")
    return FileManager.default.fileExists(atPath: gz.path)
      ? gz : directory.appendingPathComponent(name)
  }

  private static func header(_ bytes: [UInt8], path: String, rank: Int, what: String) throws
    -> [Int]
  {
    let expected = "\(hex(UInt32(0x800 + rank))) (IDX \(what): unsigned bytes, rank \(rank))"
    guard bytes.count >= 4 else {
      throw DataError.truncated(file: path, offset: bytes.count,
        detail: "IDX magic number needs 4 bytes, the file has \(bytes.count)")
    }
    let magic = bigEndian32(bytes, 0)
    if bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || Int(bytes[3]) != rank {
      throw DataError.badMagic(
        file: path, offset: 0, found: hex(magic), expected: expected)
    }
    let end = 4 + 4 * rank
    guard bytes.count >= end else {
      throw DataError.truncated(file: path, offset: bytes.count,
        detail: "IDX header needs \(end) bytes, the file has \(bytes.count)")
    }
    return (0..<rank).map { Int(bigEndian32(bytes, 4 + 4 * $0)) }
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  private static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
      | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
  }
}
