import Common

/// A bad architecture spec (or a bad name in one): which file, where in it, what is wrong.
///
/// `keyPath` is written as in jq and JSONPath, with 0-based list indices: `stages[2].stride` is
/// the stride of the third stage, which the network calls `stage3`.
public struct ArchitectureSpecError: Error, CustomStringConvertible, Equatable, Sendable,
  JSONLocated
{
  /// The spec file, or what stood for one (`--input`, a built-in's name).
  public var file: String
  /// Where in the file: `stages[2].stride`; empty for the whole file.
  public var keyPath: String
  public var message: String

  public init(file: String, keyPath: String, message: String) {
    self.file = file
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    "\(file): \(located)"
  }
}

/// A problem found in an architecture before it has a file name: where and what.
public struct ArchitectureProblem: Equatable, Sendable {
  public var keyPath: String
  public var message: String

  public init(keyPath: String, message: String) {
    self.keyPath = keyPath
    self.message = message
  }

  public func error(file: String) -> ArchitectureSpecError {
    ArchitectureSpecError(file: file, keyPath: keyPath, message: message)
  }
}
