import Foundation

/// Architectures by name or from a JSON architecture spec file: strict decoding, then the
/// semantic checks, every error naming the file and the key path (`stages[2].stride`).
public enum ArchitectureSpec {
  /// A built-in (`resnet32`, …) or the JSON spec at `nameOrPath`.
  public static func load(_ nameOrPath: String) throws(ArchitectureSpecError)
    -> ResNetArchitecture
  {
    if let builtIn = ResNetArchitecture.builtIn(nameOrPath) { return builtIn }
    guard FileManager.default.fileExists(atPath: nameOrPath) else {
      throw ArchitectureSpecError(
        file: nameOrPath, keyPath: "",
        message: "neither a built-in architecture ("
          + ResNetArchitecture.builtInNames.joined(separator: ", ")
          + ") nor an existing spec file")
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath))
    } catch {
      throw ArchitectureSpecError(file: nameOrPath, keyPath: "",
                                  message: "cannot read: \(error.localizedDescription)")
    }
    return try decode(data, file: nameOrPath)
  }

  /// Decodes and checks a spec; `file` names it in errors and, without a `name` key, names the
  /// architecture (its last path component without `.json`).
  public static func decode(_ data: Data, file: String) throws(ArchitectureSpecError)
    -> ResNetArchitecture
  {
    var architecture: ResNetArchitecture
    do {
      architecture = try JSONDecoder().decode(ResNetArchitecture.self, from: data)
    } catch let error as DecodingError {
      throw specError(error, file: file, data: data)
    } catch {
      throw ArchitectureSpecError(file: file, keyPath: "", message: "\(error)")
    }
    if architecture.name.isEmpty {
      let last = URL(fileURLWithPath: file).lastPathComponent
      architecture.name = last.hasSuffix(".json") ? String(last.dropLast(5)) : last
    }
    if let problem = architecture.validationProblems().first { throw problem.error(file: file) }
    return architecture
  }

  /// The spec as JSON (sorted keys, indented), which `decode` reads back to the same value.
  public static func encode(_ architecture: ResNetArchitecture) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      return try encoder.encode(architecture)
    } catch {
      preconditionFailure("an architecture always encodes: \(error)")
    }
  }

  /// `stages[2].stride`: object keys joined by dots, list positions as `[i]`.
  static func keyPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
    return text
  }

  static func specError(_ error: DecodingError, file: String, data: Data) -> ArchitectureSpecError {
    switch error {
    case .keyNotFound(let key, let context):
      return ArchitectureSpecError(file: file, keyPath: keyPath(context.codingPath + [key]),
                                   message: "missing (required)")
    case .typeMismatch(let type, let context):
      return ArchitectureSpecError(file: file, keyPath: keyPath(context.codingPath),
                                   message: "expected \(describe(type))\(found(context))")
    case .valueNotFound(let type, let context):
      return ArchitectureSpecError(file: file, keyPath: keyPath(context.codingPath),
                                   message: "expected \(describe(type)), found null")
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        return ArchitectureSpecError(file: file, keyPath: "",
                                     message: "not valid JSON: " + JSONSyntax.describe(error, in: data))
      }
      return ArchitectureSpecError(file: file, keyPath: keyPath(context.codingPath),
                                   message: context.debugDescription)
    @unknown default:
      return ArchitectureSpecError(file: file, keyPath: "", message: "\(error)")
    }
  }

  private static func describe(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: "an integer"
    case is Double.Type: "a number"
    case is String.Type: "a string"
    case is [ResNetArchitecture.Stage].Type: "a list of stages"
    default:
      "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary")
        ? "an object" : "a value of type \(type)"
    }
  }

  /// ", found a string" from the decoder's "Expected to decode Int but found a string instead."
  private static func found(_ context: DecodingError.Context) -> String {
    let text = context.debugDescription
    guard let range = text.range(of: "but found ") else { return "" }
    var rest = text[range.upperBound...]
    if rest.hasSuffix(" instead.") { rest = rest.dropLast(" instead.".count) }
    return ", found \(rest)"
  }
}
