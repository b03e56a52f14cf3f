/// A refusal to write an output file (held by another process, an input, a directory), raised
/// before any work: not a usage error, so a command prints it without usage text.
public struct OutputRefusal: Error, CustomStringConvertible, Sendable {
  public let file: String
  public let description: String

  public init(file: String, _ description: String) {
    self.file = file
    self.description = description
  }
}
