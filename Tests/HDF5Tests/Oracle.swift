import Foundation
import Testing

/// Runs the Python scripts in Oracles/ with Debian's /usr/bin/python3, which has h5py, xarray,
/// h5netcdf and numpy (the `python3` on PATH may not).
enum Oracle {
  static let python = "/usr/bin/python3"

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func scriptPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Oracles").appendingPathComponent(name).path
  }

  /// Runs `script` with `arguments`, returns its stdout; a missing Python module fails the test
  /// with what to do about it.
  static func run(_ script: String, _ arguments: [String]) throws -> Data {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw Failure(description: "\(python) not found: run scripts/install-deps")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [scriptPath(script)] + arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read stderr on another thread so neither pipe can fill up and block the script.
    let errorData = LockedData()
    let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = String(decoding: errorData.wait(), as: UTF8.self)
    if process.terminationStatus == 3 || stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(python) lacks a module the HDF5 oracles need "
        + "(h5py, numpy, xarray, h5netcdf): run scripts/install-deps\n\(stderr)")
    }
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(script) exited with \(process.terminationStatus):\n\(stderr)")
    }
    return data
  }

  /// Runs `script` and decodes its JSON output.
  static func json<T: Decodable>(_ type: T.Type, _ script: String, _ arguments: [String]) throws -> T {
    let data = try run(script, arguments)
    do {
      return try JSONDecoder().decode(T.self, from: data)
    } catch {
      throw Failure(description: "\(script) printed unexpected JSON (\(error)):\n"
        + String(decoding: data, as: UTF8.self))
    }
  }
}

/// Data handed from the stderr reader thread.
private final class LockedData: @unchecked Sendable {
  private let condition = NSCondition()
  private var data: Data?

  func set(_ value: Data) {
    condition.lock()
    data = value
    condition.signal()
    condition.unlock()
  }

  func wait() -> Data {
    condition.lock()
    defer { condition.unlock() }
    while data == nil { condition.wait() }
    return data ?? Data()
  }
}

/// Python prints numbers as `repr(float(x))` or `str(int(x))`; compare them with Swift values
/// exactly (NaN equals NaN).
func pythonNumber(_ text: String, equals value: Double) -> Bool {
  guard let parsed = Double(text) else { return false }
  return parsed == value || (parsed.isNaN && value.isNaN)
}
