import Foundation

/// Runs an oracle script with Debian's /usr/bin/python3 (h5py, xarray, h5netcdf, numpy; the
/// `python3` on PATH may lack them) and parses the one JSON object it prints. A missing module
/// or a failing script is an error that says what to do, so the test fails visibly.
public enum PythonOracle {
  public static let python = "/usr/bin/python3"

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public static func json(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw Failure(description: "\(python) not found: run scripts/install-deps")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script] + arguments
    let output = Pipe()
    let errors = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-oracle-\(UUID().uuidString).err")
    // stderr to a file, so neither pipe can fill up and block the script.
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    if stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(python) lacks a module the oracle needs (h5py, xarray, "
                    + "h5netcdf, numpy): run scripts/install-deps\n\(stderr)")
    }
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(script) exited with \(process.terminationStatus):\n\(stderr)")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure(description: "\(script) printed no JSON object:\n"
                    + String(decoding: data, as: UTF8.self))
    }
    return json
  }
}
