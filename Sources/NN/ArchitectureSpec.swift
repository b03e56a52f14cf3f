import Common
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
      data = try JSONSyntax.contents(of: nameOrPath)
    } catch {
      throw ArchitectureSpecError(file: nameOrPath, keyPath: "", message: "cannot read: \(error.message)")
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
      architecture = try JSONSyntax.decode(ResNetArchitecture.self, from: data, with: JSONDecoder())
    } catch {
      throw ArchitectureSpecError(file: file, keyPath: error.keyPath, message: error.message)
    }
    // Refused, not guessed (issue 24): which of two equal keys applies, and a null the decoder
    // let pass on an optional key.
    if let duplicate = JSONSyntax.duplicateKey(in: data) {
      throw ArchitectureSpecError(file: file, keyPath: duplicate.keyPath, message: "named twice "
        + "(lines \(duplicate.firstLine ?? 0) and \(duplicate.line)); keep one")
    }
    if let null = JSONSyntax.nulls(in: data).first {
      throw ArchitectureSpecError(file: file, keyPath: null.keyPath, message: "null (line "
        + "\(null.line)) is not a value; leave the key out to use its default")
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
}
