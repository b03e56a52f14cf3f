import Foundation
import StrataTestSupport

/// The scripts in Oracles/, run with Debian's /usr/bin/python3 (h5py, torch).
enum PythonOracle {
  /// Tests/RecordingTests, symlinks resolved.
  static var testDirectory: URL {
    URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static var notebooksExport: String {
    testDirectory.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("notebooks-export").path
  }

  /// Runs Oracles/`script` with `arguments`; returns stdout.
  @discardableResult
  static func run(_ script: String, _ arguments: [String]) throws -> String {
    let path = testDirectory.appendingPathComponent("Oracles/\(script)").path
    return String(decoding: try DebianPython.run(path, arguments, modules: "torch or h5py"),
                  as: UTF8.self)
  }
}
