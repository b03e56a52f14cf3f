import Foundation

/// Runs the scripts in Oracles/ (and notebooks-export/) with Debian's /usr/bin/python3, which has
/// h5py and torch; the `python3` on PATH may not. A missing Python or module fails the test with
/// what to do about it, never a silent pass.
enum PythonOracle {
  static let python = "/usr/bin/python3"

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

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
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw Failure(description: "\(python) not found: run scripts/install-deps")
    }
    let errorFile = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-oracle-\(UUID().uuidString).stderr")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [testDirectory.appendingPathComponent("Oracles/\(script)").path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    if process.terminationStatus == 3 || stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(python) lacks a module \(script) needs (torch, h5py): run "
                    + "scripts/install-deps\n\(stderr)")
    }
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(script) exited with \(process.terminationStatus):\n\(stderr)")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
