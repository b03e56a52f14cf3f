/// What an HDF5 datatype in a file is, in the terms a read needs to accept or refuse it.
struct StoredType: Sendable, Equatable, CustomStringConvertible {
  enum Class: Sendable, Equatable {
    case integer(signed: Bool)
    case float
    case string(variable: Bool)
    /// Anything Strata does not read (compound, enum, reference …), with HDF5's class name.
    case other(String)
  }

  var typeClass: Class
  /// Bytes per element in the file (for variable-length strings, the pointer size).
  var size: Int

  /// The element type this maps to, if any. Same class, size and signedness only: a float is
  /// never read as an integer, nor a double as a float.
  var elementType: HDF5ElementType? {
    switch (typeClass, size) {
    case (.float, 4): .float32
    case (.float, 8): .float64
    case (.integer(signed: true), 4): .int32
    case (.integer(signed: true), 8): .int64
    case (.integer(signed: false), 1): .uint8
    case (.string, _): .string
    default: nil
    }
  }

  var description: String {
    switch typeClass {
    case .integer(let signed): "\(size * 8)-bit \(signed ? "signed" : "unsigned") integer"
    case .float: "\(size * 8)-bit float"
    case .string(variable: true): "variable-length string"
    case .string(variable: false): "fixed-length string of \(size) bytes"
    case .other(let name): "\(name) (\(size) bytes)"
    }
  }

  /// Refuses a read or write of `requested` elements; the error names the object.
  func check(_ requested: HDF5ElementType, writing: Bool, site: Site) throws {
    guard elementType == requested else {
      throw HDF5Error(kind: .typeMismatch, site: site, messages: [
        "stored type is \(self), \(writing ? "written" : "read") as \(requested)",
      ])
    }
    // HDF5 cannot convert variable-length strings to fixed-length ones.
    if writing, typeClass == .string(variable: false) {
      throw HDF5Error(kind: .typeMismatch, site: site, messages: [
        "stored type is \(self); Strata writes only variable-length strings",
      ])
    }
  }
}
