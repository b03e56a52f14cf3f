/// A Python object read from a pickle by `PickleReader`: plain data only (numbers, strings,
/// bytes, containers and numpy arrays). Python 2 `str` (BINSTRING, SHORT_BINSTRING) arrives as
/// `.bytes`, as Python 3 loads it with `encoding='bytes'`; dictionary lookups by key accept either
/// form, so `b'data'` and `'data'` both answer `value["data"]`.
public indirect enum PickleValue: Sendable {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case bytes(ArraySlice<UInt8>)
  case tuple([PickleValue])
  case list([PickleValue])
  case dict([(key: PickleValue, value: PickleValue)])
  case set([PickleValue])
  case array(NumpyArray)
  case dtype(NumpyDType)
  /// One of the allowed numpy callables, left uncalled (only as a value, never run).
  case callable(String)

  /// The value stored under `key` in a dict (str or bytes key).
  public subscript(key: String) -> PickleValue? {
    guard case .dict(let pairs) = self else { return nil }
    let utf8 = Array(key.utf8)
    for pair in pairs {
      switch pair.key {
      case .string(let s) where s == key: return pair.value
      case .bytes(let b) where b.elementsEqual(utf8): return pair.value
      default: continue
      }
    }
    return nil
  }

  /// Text of a str, or of bytes decoded as UTF-8 (Python 2 str).
  public var text: String? {
    switch self {
    case .string(let s): return s
    case .bytes(let b): return String(decoding: b, as: UTF8.self)
    default: return nil
    }
  }

  /// An int (or bool, as Python treats it).
  public var intValue: Int? {
    switch self {
    case .int(let v): return v
    case .bool(let v): return v ? 1 : 0
    default: return nil
    }
  }

  /// Items of a list or tuple.
  public var items: [PickleValue]? {
    switch self {
    case .list(let v), .tuple(let v): return v
    default: return nil
    }
  }

  /// Keys of a dict, as text, for messages.
  public var keyNames: [String] {
    guard case .dict(let pairs) = self else { return [] }
    return pairs.map { $0.key.text ?? "\($0.key)" }
  }
}
