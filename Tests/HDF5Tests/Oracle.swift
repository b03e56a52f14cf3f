import Foundation
import StrataTestSupport
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
    let result = try ChildProcess.run(python, [scriptPath(script)] + arguments)
    let stderr = result.errors
    if result.status == 3 || stderr.contains("ModuleNotFoundError") {
      throw Failure(description: "\(python) lacks a module the HDF5 oracles need "
        + "(h5py, numpy, xarray, h5netcdf): run scripts/install-deps\n\(stderr)")
    }
    guard result.status == 0 else {
      throw Failure(description: "\(script) exited with \(result.status):\n\(stderr)")
    }
    return result.output
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

/// Python prints numbers as `repr(float(x))` or `str(int(x))`; compare them with Swift values
/// exactly (NaN equals NaN).
func pythonNumber(_ text: String, equals value: Double) -> Bool {
  guard let parsed = Double(text) else { return false }
  return parsed == value || (parsed.isNaN && value.isNaN)
}
