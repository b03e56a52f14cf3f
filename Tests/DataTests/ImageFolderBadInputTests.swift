import Data
import Foundation
import Testing

/// Malformed image folders and image files (issue 11): each fails with the `DataError` case that
/// says what is wrong, naming the folder or the image file and, for a file, where decoding
/// stopped (the signature, the JPEG header or data, the PNG chunk).
@Suite struct ImageFolderBadInputTests {
  static func gradient(_ seed: Int) -> DecodedImage {
    ImageFolderTests.gradient(width: 24, height: 16, seed: seed)
  }

  static func png(_ seed: Int = 1) throws -> [UInt8] { try ImageCodec.encodePNG(gradient(seed)) }
  static func jpeg(_ seed: Int = 1) throws -> [UInt8] { try ImageCodec.encodeJPEG(gradient(seed)) }

  /// `train/a/good.png`, and `bytes` as `train/b/<name>`; the read scans the folder and decodes
  /// that image.
  static func image(_ name: String, _ bytes: @escaping @Sendable () throws -> [UInt8])
    -> BadInput.Make
  {
    { folder in
      try folder.write("train/a/good.png", try png())
      let url = try folder.write("train/b/" + name, try bytes())
      return (url.path, {
        let set = try ImageFolder(root: folder.file("train"))
        _ = try set.image(at: set.paths.firstIndex(of: url.path)!)
      })
    }
  }

  /// A PNG whose chunk `type` has its data changed by `edit` and, if `fixCRC`, a matching CRC.
  static func pngChunk(_ type: String, fixCRC: Bool = true,
                       _ edit: @escaping @Sendable (inout [UInt8]) -> Void) -> @Sendable () throws -> [UInt8]
  {
    {
      var bytes = try png()
      let tag = Array(type.utf8)
      let start = try #require((8..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == tag })
      let length = bytes[(start - 4)..<start].reduce(0) { $0 << 8 | Int($1) }
      var data = Array(bytes[(start + 4)..<(start + 4 + length)])
      edit(&data)
      bytes.replaceSubrange((start + 4)..<(start + 4 + length), with: data)
      if fixCRC {
        let crc = crc32(tag + data)
        bytes.replaceSubrange((start + 4 + length)..<(start + 8 + length), with: bigEndian(crc))
      }
      return bytes
    }
  }

  /// zlib's CRC-32 (PNG chunks carry it over type and data).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  /// A folder tree; the read scans `train` (and `val` when it exists, against train's classes).
  static func tree(_ files: [String], folders: [String] = [], named: String) -> BadInput.Make {
    { folder in
      for path in files { try folder.write(path, path.hasSuffix(".png") ? try png() : Array("x".utf8)) }
      for path in folders { try folder.makeFolder(path) }
      return (folder.file(named).path, {
        if FileManager.default.fileExists(atPath: folder.file("val").path) {
          _ = try ImageFolder.trainAndValidation(root: folder.url)
        } else {
          _ = try ImageFolder(root: folder.file("train"))
        }
      })
    }
  }

  static let cases: [BadInput] = [
    BadInput("root missing", "unreadable", place: ": cannot read", ["not a directory"],
             make: tree([], named: "train")),
    BadInput("root is a file", "unreadable", place: ": cannot read", ["not a directory"],
             make: tree(["train"], named: "train")),
    BadInput("root without class folders", "noClassFolders", place: ": no class folders",
             make: tree(["train/a.png"], named: "train")),
    BadInput("empty class folder", "emptyClassFolder", place: ": empty class folder",
             [".jpg, .jpeg, .png"], make: tree(["train/cat/a.png"], folders: ["train/dog"],
                                              named: "train/dog")),
    BadInput("class folder of text files only", "emptyClassFolder", place: ": empty class folder",
             make: tree(["train/bird/a.png", "train/cat/notes.txt", "train/cat/sub/readme.md"],
                        named: "train/cat")),
    BadInput("validation folder lacking a class", "invalidContent", place: "entry class folders",
             ["missing [\"dog\"], extra []"],
             make: tree(["train/cat/a.png", "train/dog/b.png", "val/cat/c.png"], named: "val")),
    BadInput("validation folder with an extra class", "invalidContent",
             place: "entry class folders", ["missing [], extra [\"eel\"]"],
             make: tree(["train/cat/a.png", "val/cat/c.png", "val/eel/e.png"], named: "val")),
    BadInput("zero-byte image", "undecodableImage", place: "offset 0",
             ["neither JPEG nor PNG (first bytes: none)"], make: image("empty.jpg") { [] }),
    BadInput("GIF named .jpeg", "undecodableImage", place: "offset 0",
             ["neither JPEG nor PNG (first bytes: 47 49 46 38 39 61"],
             make: image("cat.jpeg") { Array("GIF89a and more".utf8) }),
    BadInput("JPEG cut after its first bytes", "undecodableImage", place: "JPEG header",
             make: image("cut.jpg") { Array(try jpeg().prefix(4)) + Array(repeating: 0, count: 40) }),
    BadInput("JPEG cut in its scan data", "undecodableImage", place: "JPEG data",
             ["Premature end of JPEG file"], make: image("half.jpg") {
               let big = try ImageCodec.encodeJPEG(
                 ImageFolderTests.gradient(width: 256, height: 256, seed: 3))
               return Array(big.prefix(big.count * 3 / 4))
             }),
    BadInput("PNG cut after 40 bytes", "undecodableImage", place: "PNG header",
             ["read beyond end of data"],
             make: image("cut.png") { Array(try png().prefix(40)) }),
    BadInput("PNG header with a wrong CRC", "undecodableImage", place: "PNG header",
             ["IHDR: CRC error"], make: image("crc.png", pngChunk("IHDR", fixCRC: false) {
               $0[12] ^= 1
             })),
    BadInput("PNG pixel data that is not zlib", "undecodableImage", place: "PNG data",
             ["IDAT"], make: image("idat.png", pngChunk("IDAT") { $0[0] = 0xFF; $0[1] = 0xFF })),
    BadInput("PNG of 30000×30000 pixels", "undecodableImage", place: "PNG header",
             ["implausible size 30000×30000"], make: image("huge.png", pngChunk("IHDR") {
               $0.replaceSubrange(0..<8, with: bigEndian(30000) + bigEndian(30000))
             })),
    BadInput("dangling symbolic link", "unreadable", place: ": cannot read") { folder in
      try folder.write("train/a/good.png", try png())
      try folder.makeFolder("train/b")
      let link = folder.file("train/b/gone.jpg")
      try FileManager.default.createSymbolicLink(atPath: link.path,
                                                 withDestinationPath: folder.path + "/nowhere.jpg")
      return (link.path, { _ = try ImageFolder(root: folder.file("train")).image(at: 1) })
    },
  ]

  @Test(arguments: cases)
  func malformedFolderOrImage(_ input: BadInput) throws {
    try input.check()
  }
}
