/// A failure in an HDF5 file: a C call that returned an error, or a request the stored data
/// cannot satisfy (wrong element type, wrong rank, a closed file). It always names the file and
/// the object, because "unable to open dataset" alone does not say which one.
public struct HDF5Error: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// A C call failed; `call` names it and `messages` is HDF5's error stack, outermost first.
    case library
    /// The stored element type is not the requested Swift type (no silent conversion).
    case typeMismatch
    /// The stored rank is not the requested rank, or a hyperslab has a different rank.
    case rankMismatch
    /// A hyperslab or value count does not fit the stored shape.
    case shapeMismatch
    /// The file was closed before this use.
    case fileClosed
  }

  public let kind: Kind
  /// The HDF5 function that failed, e.g. `H5Dopen2`; nil when Strata itself refused.
  public let call: String?
  public let file: String
  /// The object path inside the file, e.g. `/probes/grad_norm`; `/` for the file itself.
  public let object: String
  /// The attribute involved, if any.
  public let attribute: String?
  public let messages: [String]

  init(kind: Kind, call: String? = nil, site: Site, messages: [String]) {
    self.kind = kind
    self.call = call
    self.file = site.file
    self.object = site.object
    self.attribute = site.attribute
    self.messages = messages
  }

  public var description: String {
    var what = "'\(object)'"
    if let attribute { what += " attribute '\(attribute)'" }
    let head = call.map { "HDF5 \($0) failed for \(what)" } ?? "HDF5 error for \(what)"
    let detail = messages.isEmpty ? "no message on HDF5's error stack" : messages.joined(separator: "; ")
    return "\(head) in file '\(file)': \(detail)"
  }
}

/// Where an operation happens, carried into every error.
struct Site: Sendable {
  var file: String
  var object: String
  var attribute: String? = nil

  func attribute(_ name: String) -> Site {
    Site(file: file, object: object, attribute: name)
  }

  func child(_ name: String) -> Site {
    Site(file: file, object: joinPath(object, name))
  }
}

/// `/` + `a` is `/a`; `/a` + `b/c` is `/a/b/c`.
func joinPath(_ parent: String, _ name: String) -> String {
  if name.hasPrefix("/") { return name }
  return parent.hasSuffix("/") ? parent + name : parent + "/" + name
}
