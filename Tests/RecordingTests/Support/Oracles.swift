import Foundation
import StrataTestSupport

/// The scripts in Tests/RecordingTests/Oracles/, run with Debian's /usr/bin/python3.
enum Oracles {
  /// Tests/RecordingTests, symlinks resolved.
  static var testDirectory: URL {
    URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static var notebooksExport: String {
    testDirectory.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("notebooks-export").path
  }

  static func path(_ script: String) -> String {
    testDirectory.appendingPathComponent("Oracles/\(script)").path
  }

  /// Runs Oracles/`script` with `arguments`; returns stdout.
  @discardableResult
  static func run(_ script: String, _ arguments: [String]) throws -> String {
    String(decoding: try DebianPython.run(path(script), arguments, modules: "torch or h5py"),
           as: UTF8.self)
  }

  /// Runs Oracles/`script` with `arguments`; the JSON object it prints.
  static func json(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    try PythonOracle.json(path(script), arguments)
  }
}
