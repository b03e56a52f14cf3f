/// A bad run spec: which file, which key, what is wrong. Raised before any training starts.
public struct RunSpecError: Error, CustomStringConvertible, Equatable, Sendable {
  public var file: String
  /// The key (`init_cls`, `model_name`); empty for the whole file.
  public var key: String
  public var message: String

  public init(file: String, key: String, message: String) {
    self.file = file
    self.key = key
    self.message = message
  }

  public var description: String {
    key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
  }
}
