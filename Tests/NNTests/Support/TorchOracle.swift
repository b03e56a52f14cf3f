import Foundation
import StrataTestSupport
import Testing

/// Runs the PyTorch oracle scripts in Oracles/ with Debian's /usr/bin/python3 (python3-torch
/// 1.13, numpy); the `python3` on PATH may lack torch. Tensors travel as raw little-endian
/// float32 (`<stem>.bin`) with a JSON index (`<stem>.json`): no HDF5 dependency in NN tests.
enum TorchOracle {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// This file's directory with symlinks resolved: the test tree of the repository (a mirror
  /// package may link Tests/NNTests in from elsewhere).
  static var testDirectory: URL {
    URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static func scriptPath(_ name: String) -> String {
    testDirectory.appendingPathComponent("Oracles").appendingPathComponent(name).path
  }

  /// benchmarks/torch_resnet_cifar.py of the repository (Tests/NNTests/../../benchmarks).
  static var modelPath: String {
    testDirectory.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("benchmarks").appendingPathComponent("torch_resnet_cifar.py").path
  }

  /// Runs `script` with `arguments`; a missing Python or module fails the test, saying what to
  /// do about it (never a silent pass).
  static func run(_ script: String, _ arguments: [String]) throws {
    _ = try runCapturing(script, arguments)
  }

  /// `run`, returning what the script printed on stdout.
  static func runCapturing(_ script: String, _ arguments: [String]) throws -> Data {
    try DebianPython.run(scriptPath(script), arguments, modules: "torch or numpy")
  }

  /// The JSON index of an exchange: tensors by offset into the .bin, plus scalar entries.
  struct Entry: Codable {
    var name: String
    var shape: [Int]
    var offset: Int
    var count: Int
  }

  /// Writes `tensors` (name, shape, float32 values) as `<stem>.bin` and `<stem>.json`, the JSON
  /// object holding `extra` and the tensor index.
  static func write(_ tensors: [(name: String, shape: [Int], values: [Float])],
                    extra: [String: Any], to directory: URL, stem: String) throws
  {
    var bytes = Data()
    var entries: [[String: Any]] = []
    var offset = 0
    for t in tensors {
      precondition(t.shape.reduce(1, *) == t.values.count, "\(t.name): shape vs values")
      // Little-endian float32: the host order on every platform Strata runs on.
      t.values.withUnsafeBytes { bytes.append(contentsOf: $0) }
      entries.append(["name": t.name, "shape": t.shape, "offset": offset, "count": t.values.count])
      offset += t.values.count
    }
    try bytes.write(to: directory.appendingPathComponent("\(stem).bin"))
    var object = extra
    object["tensors"] = entries
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      .write(to: directory.appendingPathComponent("\(stem).json"))
  }

  /// Reads an exchange: tensors by name (shape, values) and the JSON object for scalar entries.
  static func read(from directory: URL, stem: String) throws
    -> (tensors: [String: (shape: [Int], values: [Float])], json: [String: Any])
  {
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: directory.appendingPathComponent("\(stem).json")))
    guard let object = json as? [String: Any], let raw = object["tensors"] else {
      throw Failure(description: "\(stem).json is not an exchange index")
    }
    let entries = try JSONDecoder().decode(
      [Entry].self, from: JSONSerialization.data(withJSONObject: raw))
    let data = try Data(contentsOf: directory.appendingPathComponent("\(stem).bin"))
    let floats: [Float] = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for e in entries {
      guard e.offset >= 0, e.offset + e.count <= floats.count,
        e.shape.reduce(1, *) == e.count
      else { throw Failure(description: "\(stem): bad entry \(e) for \(floats.count) floats") }
      tensors[e.name] = (e.shape, Array(floats[e.offset..<(e.offset + e.count)]))
    }
    return (tensors, object)
  }
}
