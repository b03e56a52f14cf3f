import Foundation

/// Runs oracle scripts with Debian's /usr/bin/python3 (python3-torch, python3-h5py, numpy); the
/// `python3` on PATH may lack them. A missing Python or module fails the test with what to do
/// about it, never a silent pass.
public enum DebianPython {
  public static let path = "/usr/bin/python3"

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Runs `script` with `arguments` and returns its stdout. A script signals a missing module by
  /// exiting with 3 or by Python's `ModuleNotFoundError`; `modules` names them in the failure.
  public static func run(_ script: String, _ arguments: [String], modules: String) throws -> Data {
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw Failure(description: "\(path) not found: run scripts/install-deps")
    }
    // stderr goes to a file, so reading stdout to its end cannot deadlock on a full pipe.
    let errorFile = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-oracle-\(UUID().uuidString).stderr")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = [script] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    if process.terminationStatus == 3 || stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(path) lacks \(modules), which \(script) needs: run "
                    + "scripts/install-deps\n\(stderr)")
    }
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(script) exited with \(process.terminationStatus):\n\(stderr)")
    }
    return data
  }
}
