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
      throw Failure(description: "\(path) not found: run scripts/install-deps --test")
    }
    let result = try ChildProcess.run(path, [script] + arguments)
    let stderr = result.errors
    if result.status == 3 || stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(path) lacks \(modules), which \(script) needs: run "
                    + "scripts/install-deps --test\n\(stderr)")
    }
    guard result.status == 0 else {
      throw Failure(description: "\(script) exited with \(result.status):\n\(stderr)")
    }
    return result.output
  }
}
