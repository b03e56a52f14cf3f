import Data
import Foundation
import Testing

/// Malformed IDX files (issue 11): each read fails with the `DataError` case that says what is
/// wrong, naming the file and the byte offset (or label entry) at fault.
@Suite struct IDXBadInputTests {
  typealias Files = IDXReaderTests

  /// Three 2×2 images, written as `name` (raw); the read is of images.
  static func images(_ name: String, _ bytes: [UInt8]) -> BadInput.Make {
    { folder in
      let url = try folder.write(name, bytes)
      return (url.path, { _ = try IDXReader.readImages(url) })
    }
  }

  static func labels(_ bytes: [UInt8]) -> BadInput.Make {
    { folder in
      let url = try folder.write("labels", bytes)
      return (url.path, { _ = try IDXReader.readLabels(url, classCount: 10) })
    }
  }

  /// A gzipped image file whose compressed bytes `damage` changes.
  static func gzippedImages(_ damage: @escaping @Sendable ([UInt8]) -> [UInt8]) -> BadInput.Make {
    { folder in
      let pixels = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
      let gz = try gzipped(Files.imagesFile(count: 1000, pixels: pixels), in: folder)
      let url = try folder.write("images.gz", damage(gz))
      return (url.path, { _ = try IDXReader.readImages(url) })
    }
  }

  static let cases: [BadInput] = [
    BadInput("empty file", "truncated", place: "offset 0", ["magic number needs 4 bytes"],
             make: images("empty", [])),
    BadInput("cut inside the magic number", "truncated", place: "offset 3",
             ["the file has 3"], make: images("three", [0, 0, 8])),
    BadInput("signed-byte type code", "badMagic", place: "offset 0",
             ["wrong magic number 0x00000903", "expected 0x00000803"],
             make: images("signed", Files.imagesFile(count: 1, magic: 0x0903, pixels: [1, 2, 3, 4]))),
    BadInput("label file read as images", "badMagic", place: "offset 0", ["0x00000801"],
             make: images("labels-as-images", Files.labelsFile([1, 2, 3]))),
    BadInput("PNG file read as IDX", "badMagic", place: "offset 0", ["0x89504E47"],
             make: images("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 16))),
    BadInput("header cut inside the sizes", "truncated", place: "offset 10",
             ["IDX header needs 16 bytes"],
             make: images("short-header", Array(Files.imagesFile(count: 3, pixels: []).prefix(10)))),
    BadInput("image data cut short", "truncated", place: "offset 26",
             ["promises 3 images of 2×2", "holds 2 complete images"],
             make: images("short", Files.imagesFile(count: 3, pixels: Array(1...10)))),
    BadInput("bytes after the last image", "countMismatch", place: "offset 24",
             ["header says 2 images of 2×2", "4 bytes follow"],
             make: images("long", Files.imagesFile(count: 2, pixels: Array(1...12)))),
    BadInput("sizes whose product overflows", "truncated", place: "offset 18",
             ["more bytes than any file holds"],
             make: images("huge", Files.imagesFile(count: 0xFFFF_FFFF, rows: 0xFFFF_FFFF,
                                                   columns: 0xFFFF_FFFF, pixels: [1, 2]))),
    BadInput("images of zero rows", "invalidHeader", place: "offset 8",
             ["images of 0×2 pixels: rows must be at least 1"],
             make: images("flat", Files.imagesFile(count: 3, rows: 0, pixels: []))),
    BadInput("images of zero columns", "invalidHeader", place: "offset 12",
             ["columns must be at least 1"],
             make: images("thin", Files.imagesFile(count: 3, columns: 0, pixels: []))),
    BadInput("gzip stream cut in half", "truncated", place: ", offset ",
             ["gzip stream ends"], make: gzippedImages { Array($0.prefix($0.count / 2)) }),
    BadInput("gzip checksum wrong", "unreadable", place: "at compressed offset ",
             ["zlib: incorrect data check"], make: gzippedImages { gz in
               var bad = gz
               bad[bad.count - 8] ^= 0xFF  // the CRC-32 trailer
               return bad
             }),
    BadInput("gzip deflate block of the reserved type", "unreadable",
             place: "at compressed offset ", ["zlib: invalid block type", "from decompressed offset 0"],
             make: gzippedImages { gz in
               var bad = gz
               bad[10] = 0x07  // first deflate header after the 10-byte gzip header: BTYPE 11
               return bad
             }),
    BadInput("label beyond the class count", "labelOutOfRange", place: "entry 2, offset 10",
             ["label 12 out of range 0..<10"], make: labels(Files.labelsFile([1, 9, 12, 3]))),
    BadInput("label data cut short", "truncated", place: "offset 11",
             ["header promises 5 labels, the file holds 3"],
             make: labels(Files.labelsFile([1, 2, 3], count: 5))),
    BadInput("bytes after the last label", "countMismatch", place: "offset 10",
             ["header says 2 labels, but 1 more bytes follow"],
             make: labels(Files.labelsFile([1, 2, 3], count: 2))),
    BadInput("images and labels disagree in count", "countMismatch", place: "offset 4",
             ["3 images but 2 labels"]) { folder in
      let images = try folder.write("img3", Files.imagesFile(count: 3, pixels: Array(1...12)))
      let labels = try folder.write("lab2", Files.labelsFile([1, 2]))
      return (images.path, {
        _ = try IDXReader.read(images: images, labels: labels,
                               classNames: IDXReader.fashionMNISTClassNames)
      })
    },
    BadInput("a folder where the file should be", "unreadable", place: ": cannot read",
             ["not a regular file"]) { folder in
      try folder.makeFolder("train-images-idx3-ubyte")
      let url = folder.file("train-images-idx3-ubyte")
      return (url.path, { _ = try IDXReader.readImages(url) })
    },
    BadInput("missing file of a Fashion-MNIST folder", "unreadable", place: ": cannot read",
             ["No such file or directory"]) { folder in
      try folder.write("train-images-idx3-ubyte", Files.imagesFile(count: 1, pixels: [1, 2, 3, 4]))
      return (folder.file("train-labels-idx1-ubyte").path, {
        _ = try IDXReader.fashionMNIST(directory: folder.url, split: .train)
      })
    },
  ]

  @Test(arguments: cases)
  func malformedFile(_ input: BadInput) throws {
    try input.check()
  }
}
