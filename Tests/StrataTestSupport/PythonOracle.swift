import Foundation

/// Runs an oracle script with Debian's /usr/bin/python3 (`DebianPython`) and parses the one
/// JSON object it prints. A missing module or a failing script is an error that says what to
/// do, so the test fails visibly.
public enum PythonOracle {
  public static func json(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    let data = try DebianPython.run(script, arguments, modules: "h5py, xarray, h5netcdf or numpy")
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw DebianPython.Failure(description: "\(script) printed no JSON object:\n"
                                 + String(decoding: data, as: UTF8.self))
    }
    return json
  }
}
