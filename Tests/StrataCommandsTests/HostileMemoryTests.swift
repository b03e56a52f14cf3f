import Foundation
import Pipeline
import StrataTestSupport
import Testing
@testable import StrataCommands

/// Memory under hostile input (issue 24): `strata train` on a Fashion-MNIST folder whose
/// train-images .gz declares 100 images but inflates to 256 MiB stops with an error naming the
/// file, and its peak RSS (GNU time's %M) stays within 32 MiB of the same command on a file that
/// is merely truncated, instead of growing by the 256 MiB the stream inflates to.
@Suite(.serialized) struct HostileMemoryTests {
  /// (exit status, peak RSS in KiB, output) of `strata train spec` under /usr/bin/time.
  static func train(_ spec: String, _ directory: String) throws -> (Int32, Int, String) {
    let rss = directory + "/rss"
    let result = try ChildProcess.run("/usr/bin/time", [
      "-f", "%M", "-o", rss, try StrataExecutable.path(), "train", spec,
      "--output", directory + "/out.h5", "--overwrite", "--quiet",
    ])
    let kib = Int((try String(contentsOfFile: rss, encoding: .utf8))
      .split(whereSeparator: \.isNewline).last.map(String.init) ?? "") ?? -1
    return (result.status, kib, result.errors)
  }

  static func folder(_ directory: String, bomb: Bool) throws -> String {
    let data = directory + (bomb ? "/bomb" : "/short")
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    _ = try ChildProcess.run("/usr/bin/python3", ["-c", """
      import gzip, struct, sys
      path, total = sys.argv[1], int(sys.argv[2])
      with gzip.open(path, 'wb', compresslevel=1) as f:
          f.write(struct.pack('>IIII', 0x803, 100, 28, 28))
          chunk, left = bytes(1 << 20), total
          while left > 0:
              f.write(chunk[:min(left, len(chunk))])
              left -= len(chunk)
      """, data + "/train-images-idx3-ubyte.gz", String(bomb ? 256 << 20 : 1000)])
    let spec = directory + (bomb ? "/bomb.json" : "/short.json")
    try #"{"model_name": "replay", "dataset": "fashion-mnist", "data_root": "\#(data)"}"#
      .write(toFile: spec, atomically: true, encoding: .utf8)
    return spec
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
  func aGzipBombStaysWithinTheDeclaredSize() throws {
    try SplitCommandTests.withDirectory { directory in
      let (shortStatus, baseline, shortLog) = try Self.train(
        try Self.folder(directory, bomb: false), directory)
      #expect(shortStatus == 1 && shortLog.contains("truncated"), "\(shortLog)")
      let (status, peak, log) = try Self.train(try Self.folder(directory, bomb: true), directory)
      #expect(status == 1 && log.contains("train-images-idx3-ubyte.gz")
              && log.contains("header says 100 images"), "\(log)")
      #expect(baseline > 0 && peak > 0 && peak < baseline + 32 * 1024,
              "peak RSS \(peak) KiB on the bomb, \(baseline) KiB on a truncated file")
    }
  }
}
