/// A numpy dtype as far as Strata reads pickled arrays: booleans, signed and unsigned integers,
/// and floats, of either byte order (`numpy.dtype.descr` style: kind, item size, byte order).
public struct NumpyDType: Sendable, Equatable, CustomStringConvertible {
  public enum ByteOrder: Sendable, Equatable {
    case little, big, notApplicable
  }
  /// numpy's kind character: "b" (bool), "i", "u", "f".
  public var kind: Character
  public var itemSize: Int
  public var byteOrder: ByteOrder

  /// Parses a numpy type string such as "u1", "<i8", "|b1", "f4" or "?"; nil for anything else
  /// (structured, object, string or datetime dtypes).
  public init?(typeString: String) {
    var text = Substring(typeString)
    var order: ByteOrder? = nil
    if let first = text.first, "<>|=".contains(first) {
      switch first {
      case "<": order = .little
      case ">": order = .big
      case "=": order = .little  // native; Strata runs on little-endian machines
      default: order = .notApplicable
      }
      text = text.dropFirst()
    }
    if text == "?" { text = "b1" }
    guard let kind = text.first, "biuf".contains(kind), let size = Int(text.dropFirst()),
      [1, 2, 4, 8].contains(size), !(kind == "f" && size < 4), !(kind == "b" && size != 1)
    else { return nil }
    self.kind = kind
    self.itemSize = size
    self.byteOrder = order ?? (size == 1 ? .notApplicable : .little)
  }

  public var description: String {
    let order: String
    switch byteOrder {
    case .little: order = "<"
    case .big: order = ">"
    case .notApplicable: order = "|"
    }
    return "\(order)\(kind)\(itemSize)"
  }
}

/// A numpy array read from a pickle: shape, dtype, memory order and the raw element bytes (a
/// slice of the file's bytes, not a copy).
public struct NumpyArray: Sendable {
  public var shape: [Int]
  public var dtype: NumpyDType
  public var fortranOrder: Bool
  public var data: ArraySlice<UInt8>

  public init(shape: [Int], dtype: NumpyDType, fortranOrder: Bool, data: ArraySlice<UInt8>) {
    self.shape = shape
    self.dtype = dtype
    self.fortranOrder = fortranOrder
    self.data = data
  }

  public var elementCount: Int { shape.reduce(1, *) }

  /// The elements as integers, in memory order; nil for float arrays.
  public func integerValues() -> [Int]? {
    guard dtype.kind != "f" else { return nil }
    let size = dtype.itemSize
    let signed = dtype.kind == "i"
    let big = dtype.byteOrder == .big
    var result = [Int](repeating: 0, count: elementCount)
    let base = data.startIndex
    for i in 0..<elementCount {
      var raw: UInt64 = 0
      for b in 0..<size {
        let byte = UInt64(data[base + i * size + (big ? b : size - 1 - b)])
        raw = raw << 8 | byte
      }
      if signed && size < 8 && raw & (1 << (UInt64(size) * 8 - 1)) != 0 {
        raw |= ~0 << (UInt64(size) * 8)  // sign-extend
      }
      result[i] = Int(truncatingIfNeeded: raw)
    }
    return result
  }
}
