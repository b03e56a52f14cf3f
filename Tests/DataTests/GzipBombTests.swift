import Data
import Foundation
import Testing

/// A gzip bomb (issue 24, case 4): an IDX file whose header declares a few images but whose
/// gzip stream inflates to 64 MiB is refused after reading what the header declares plus one
/// byte, not after inflating all of it.
@Suite struct GzipBombTests {
  static let inflated = 64 << 20

  /// `header` then zeros up to `inflated` bytes, gzipped by Python's gzip module in chunks (the
  /// 64 MiB never pass through this process).
  static func bomb(_ name: String, header: [UInt8], in folder: TemporaryFolder) throws -> URL {
    let url = folder.file(name)
    _ = try Python.run("""
      import gzip, sys
      header, total = bytes.fromhex(sys.argv[2]), int(sys.argv[3])
      with gzip.open(sys.argv[1], 'wb') as f:
          f.write(header)
          chunk, left = bytes(1 << 20), total - len(header)
          while left > 0:
              f.write(chunk[:min(left, len(chunk))])
              left -= len(chunk)
      """, [url.path, header.map { String(format: "%02x", $0) }.joined(), String(inflated)])
    return url
  }

  @Test func aGzipBombOfImagesStopsAtTheDeclaredSize() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try Self.bomb("train-images-idx3-ubyte.gz",
                            header: bigEndian(0x0803) + bigEndian(10) + bigEndian(28) + bigEndian(28),
                            in: folder)
    let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
    #expect((size ?? Int.max) < 1 << 20, "the bomb is \(String(describing: size)) bytes on disk")
    let message = errorMessage { _ = try IDXReader.readImages(url) }
    #expect(message.contains(url.path) && message.contains("offset 7856")
            && message.contains("header says 10 images of 28×28")
            && message.contains("the gzip stream was inflated no further"), "\(message)")
  }

  @Test func aGzipBombOfLabelsStopsAtTheDeclaredSize() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try Self.bomb("train-labels-idx1-ubyte.gz", header: bigEndian(0x0801) + bigEndian(10),
                            in: folder)
    let message = errorMessage { _ = try IDXReader.readLabels(url, classCount: 10) }
    #expect(message.contains(url.path) && message.contains("header says 10 labels")
            && message.contains("the gzip stream was inflated no further"), "\(message)")
  }
}
