import Foundation
import NN

extension RunSpec {
  /// A relative path in a spec (`architecture`, `data_root`) is read beside the spec file when
  /// something is there, so a spec and its files can move together; otherwise it is taken from
  /// the working directory.
  public static func resolve(_ path: String, besides specFile: String) -> String {
    guard !path.hasPrefix("/") else { return path }
    let beside = URL(fileURLWithPath: specFile).deletingLastPathComponent()
      .appendingPathComponent(path).standardized.path
    return FileManager.default.fileExists(atPath: beside) ? beside : path
  }

  /// The spec's `family`, loaded and checked (smallest first); names are built-ins or spec
  /// files read beside the spec. Nil when the spec names none.
  public func loadFamily(file: String) throws(RunSpecError) -> [ResNetArchitecture]? {
    guard let family else { return nil }
    var members: [ResNetArchitecture] = []
    for (i, name) in family.enumerated() {
      do {
        members.append(try ArchitectureSpec.load(
          ResNetArchitecture.builtIn(name) != nil ? name : Self.resolve(name, besides: file)))
      } catch {
        throw RunSpecError(file: file, key: "family[\(i)]", message: error.description)
      }
    }
    do {
      try ArchitectureFamily.checkOrder(members, file: file)
    } catch {
      throw RunSpecError(file: file, key: "family\(error.keyPath)", message: error.message)
    }
    return members
  }

  /// The spec at `file` with `overrides` applied, as JSON for a new file elsewhere: a
  /// verification candidate is the user's spec with another method, split, budget or seed.
  /// Every key of the original is kept (unknown ones too, so their warnings stay); relative
  /// paths become absolute so the derived file works from any folder. An `NSNull` override
  /// removes the key.
  public static func derive(from file: String, overrides: [String: Any]) throws(RunSpecError)
    -> Data
  {
    var json = try object(try contents(of: file), file: file)
    for key in ["architecture", "data_root"] {
      guard let path = json[key] as? String else { continue }
      if key == "architecture", ResNetArchitecture.builtIn(path) != nil { continue }
      let resolved = resolve(path, besides: file)
      json[key] = URL(fileURLWithPath: resolved).standardized.path
    }
    if let family = json["family"] as? [String] {
      json["family"] = family.map { path in
        ResNetArchitecture.builtIn(path) != nil ? path
          : URL(fileURLWithPath: resolve(path, besides: file)).standardized.path
      }
    }
    for (key, value) in overrides {
      json[key] = value is NSNull ? nil : value
    }
    do {
      return try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    } catch {
      throw RunSpecError(file: file, key: "", message: "cannot write the derived spec: \(error)")
    }
  }
}

extension RunSpec {
  /// The total budget verification compares candidates at when none is given, the same for the
  /// split's plan and for verify: `memory_budget`, else DER's footprint (one backbone per task)
  /// plus the spec's exemplars — `memory_size`, or `memory_per_class` × `classCount` with
  /// `fixed_memory` (nil when the class count is unknown).
  public func defaultBudget(classCount: Int?) -> MemoryLedger.Budget? {
    if let memoryBudget { return memoryBudget }
    guard fixedMemory else { return .der(exemplars: memorySize) }
    return classCount.map { .der(exemplars: memoryPerClass * $0) }
  }
}
