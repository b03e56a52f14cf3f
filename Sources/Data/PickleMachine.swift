import Foundation

/// The callables a pickle may name (see `PickleReader`).
enum AllowedGlobal: Equatable {
  case reconstruct, ndarray, dtype, frombuffer, codecsEncode, bytes

  static let table: [String: AllowedGlobal] = [
    "numpy.core.multiarray._reconstruct": .reconstruct,
    "numpy._core.multiarray._reconstruct": .reconstruct,
    "numpy.ndarray": .ndarray,
    "numpy.dtype": .dtype,
    "numpy.core.numeric._frombuffer": .frombuffer,
    "numpy._core.numeric._frombuffer": .frombuffer,
    "_codecs.encode": .codecsEncode,
    "__builtin__.bytes": .bytes,
    "builtins.bytes": .bytes,
  ]
}

/// Mutable containers: pickles build them after memoizing them, so they are shared references.
final class ListBox { var items: [PickleNode] = [] }
final class DictBox { var pairs: [(PickleNode, PickleNode)] = [] }
final class ArrayBox {
  var value: NumpyArray?
  init(_ value: NumpyArray? = nil) { self.value = value }
}
/// A tuple is immutable, but boxed all the same: a memoized tuple reached through many memo
/// references is then one object that `freeze` converts once and shares.
final class TupleBox {
  let items: [PickleNode]
  let depth: Int  // tuples nested in it, itself included
  init(_ items: [PickleNode], depth: Int) {
    self.items = items
    self.depth = depth
  }
}
final class DTypeBox {
  var value: NumpyDType
  init(_ value: NumpyDType) { self.value = value }
}

enum PickleNode {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case text(ArraySlice<UInt8>)  // UTF-8 of a Python 3 str
  case bytes(ArraySlice<UInt8>)
  case tuple(TupleBox)
  case list(ListBox)
  case dict(DictBox)
  case set(ListBox)
  case global(AllowedGlobal, String)
  case array(ArrayBox)
  case dtype(DTypeBox)
}

struct PickleMachine {
  let bytes: [UInt8]
  let file: String
  var position = 0
  var opcodeOffset = 0
  var stack: [PickleNode] = []
  var marks: [Int] = []
  var memo: [Int: PickleNode] = [:]
  /// Every list and dict made, so `release` can empty them: a pickle may build a container
  /// that holds itself (APPEND of a memoized list into that list), a reference cycle that
  /// would otherwise leak (found by the fuzzer).
  private var containers: ([ListBox], [DictBox]) = ([], [])

  mutating func newList() -> ListBox {
    let box = ListBox()
    containers.0.append(box)
    return box
  }

  mutating func newDict() -> DictBox {
    let box = DictBox()
    containers.1.append(box)
    return box
  }

  /// Breaks every cycle among the containers; the machine's nodes are empty afterwards.
  mutating func release() {
    for box in containers.0 { box.items = [] }
    for box in containers.1 { box.pairs = [] }
    containers = ([], [])
    stack = []
    memo = [:]
  }

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  // MARK: Errors

  func malformed(_ reason: String) -> DataError {
    .malformedPickle(file: file, offset: opcodeOffset, reason: reason)
  }

  // MARK: Reading the stream

  mutating func take(_ n: Int, for what: String) throws -> ArraySlice<UInt8> {
    guard n >= 0, n <= bytes.count - position else {
      throw DataError.truncated(
        file: file, offset: bytes.count,
        detail: "pickle \(what) at offset \(opcodeOffset) needs \(n) bytes from offset "
          + "\(position), the file has \(bytes.count - position)")
    }
    defer { position += n }
    return bytes[position..<position + n]
  }

  mutating func littleEndian(_ n: Int, for what: String) throws -> UInt64 {
    var value: UInt64 = 0
    for (i, byte) in try take(n, for: what).enumerated() { value |= UInt64(byte) << (8 * i) }
    return value
  }

  mutating func length(_ n: Int, for what: String) throws -> Int {
    let raw = try littleEndian(n, for: what)
    guard raw <= UInt64(bytes.count) else {
      throw DataError.truncated(file: file, offset: bytes.count,
        detail: "pickle \(what) at offset \(opcodeOffset) declares \(raw) bytes, "
          + "more than the file holds")
    }
    return Int(raw)
  }

  /// A newline-terminated line (text opcodes and GLOBAL's module and name).
  mutating func line(for what: String) throws -> String {
    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
      throw DataError.truncated(file: file, offset: bytes.count,
        detail: "pickle \(what) at offset \(opcodeOffset) has no terminating newline")
    }
    defer { position = end + 1 }
    return String(decoding: bytes[position..<end], as: UTF8.self)
  }

  /// A newline-terminated line's bytes.
  mutating func rawLine(for what: String) throws -> ArraySlice<UInt8> {
    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
      throw DataError.truncated(file: file, offset: bytes.count,
        detail: "pickle \(what) at offset \(opcodeOffset) has no terminating newline")
    }
    defer { position = end + 1 }
    return bytes[position..<end]
  }

  /// `codecs.escape_decode` of a quoted literal, as Python's `load_string`.
  func quotedString(_ line: ArraySlice<UInt8>) throws -> [UInt8] {
    guard line.count >= 2, let quote = line.first, quote == line.last,
      quote == 0x27 || quote == 0x22
    else { throw malformed("STRING is not a quoted literal") }
    let body = Array(line.dropFirst().dropLast())
    var out: [UInt8] = []
    var i = 0
    func hex(_ b: UInt8) -> UInt8? {
      switch b {
      case 0x30...0x39: return b - 0x30
      case 0x61...0x66: return b - 0x61 + 10
      case 0x41...0x46: return b - 0x41 + 10
      default: return nil
      }
    }
    while i < body.count {
      let b = body[i]
      i += 1
      guard b == 0x5C, i < body.count else {
        out.append(b)
        continue
      }
      let e = body[i]
      i += 1
      switch e {
      case 0x6E: out.append(0x0A)  // \n
      case 0x72: out.append(0x0D)  // \r
      case 0x74: out.append(0x09)  // \t
      case 0x61: out.append(0x07)  // \a
      case 0x62: out.append(0x08)  // \b
      case 0x66: out.append(0x0C)  // \f
      case 0x76: out.append(0x0B)  // \v
      case 0x0A: break  // line continuation
      case 0x78:  // \xhh
        guard i + 1 < body.count, let hi = hex(body[i]), let lo = hex(body[i + 1]) else {
          throw malformed("STRING has a bad \\x escape")
        }
        out.append(hi << 4 | lo)
        i += 2
      case 0x30...0x37:  // up to three octal digits
        var value = Int(e - 0x30)
        var digits = 1
        while digits < 3, i < body.count, (0x30...0x37).contains(body[i]) {
          value = value * 8 + Int(body[i] - 0x30)
          i += 1
          digits += 1
        }
        out.append(UInt8(truncatingIfNeeded: value))
      case 0x5C, 0x27, 0x22: out.append(e)
      default: out += [0x5C, e]  // unknown escapes stay as written
      }
    }
    return out
  }

  /// Python's `raw-unicode-escape` decoding: Latin-1 bytes with \uXXXX and \UXXXXXXXX escapes.
  func rawUnicodeEscape(_ line: ArraySlice<UInt8>) throws -> String {
    var scalars = String.UnicodeScalarView()
    var i = line.startIndex
    while i < line.endIndex {
      let b = line[i]
      if b == 0x5C, i + 1 < line.endIndex, line[i + 1] == 0x75 || line[i + 1] == 0x55 {
        let digits = line[i + 1] == 0x75 ? 4 : 8
        let start = i + 2
        guard start + digits <= line.endIndex,
          let value = UInt32(String(decoding: line[start..<start + digits], as: UTF8.self),
            radix: 16),
          let scalar = Unicode.Scalar(value)
        else { throw malformed("UNICODE has a bad escape") }
        scalars.append(scalar)
        i = start + digits
      } else {
        scalars.append(Unicode.Scalar(b))
        i += 1
      }
    }
    return String(scalars)
  }

  // MARK: Stack

  mutating func pop() throws -> PickleNode {
    guard stack.count > (marks.last ?? 0) else { throw malformed("stack underflow") }
    return stack.removeLast()
  }

  mutating func popMark() throws -> [PickleNode] {
    guard let mark = marks.popLast() else { throw malformed("no MARK to pop to") }
    let items = Array(stack[mark...])
    stack.removeSubrange(mark...)
    return items
  }

  mutating func top() throws -> PickleNode {
    guard let top = stack.last, stack.count > (marks.last ?? 0) else {
      throw malformed("stack underflow")
    }
    return top
  }

  mutating func memoGet(_ index: Int) throws -> PickleNode {
    guard let value = memo[index] else { throw malformed("memo key \(index) was never stored") }
    return value
  }

  mutating func resolveGlobal(module: String, name: String) throws -> PickleNode {
    let qualified = "\(module).\(name)"
    guard let allowed = AllowedGlobal.table[qualified] else {
      throw DataError.forbiddenGlobal(file: file, offset: opcodeOffset, global: qualified)
    }
    return .global(allowed, qualified)
  }

  // MARK: The opcode loop

  mutating func run() throws -> PickleNode {
    while true {
      opcodeOffset = position
      let op = try take(1, for: "opcode").first!
      switch op {
      case 0x80:  // PROTO
        let version = try take(1, for: "PROTO").first!
        if version > 5 { throw malformed("unsupported pickle protocol \(version)") }
      case 0x95:  // FRAME: framing is only a read-ahead hint
        _ = try length(8, for: "FRAME")
      case 0x2E:  // STOP
        return try pop()
      case 0x28:  // MARK
        marks.append(stack.count)
      case 0x30:  // POP
        if stack.count > (marks.last ?? 0) { stack.removeLast() } else { _ = try popMark() }
      case 0x31:  // POP_MARK
        _ = try popMark()
      case 0x32:  // DUP
        stack.append(try top())

      case 0x4E: stack.append(.none)  // NONE
      case 0x88: stack.append(.bool(true))  // NEWTRUE
      case 0x89: stack.append(.bool(false))  // NEWFALSE
      case 0x49:  // INT (text)
        let text = try line(for: "INT")
        if text == "00" { stack.append(.bool(false)) } else if text == "01" {
          stack.append(.bool(true))
        } else if let value = Int(text) { stack.append(.int(value)) } else {
          throw malformed("INT '\(text)' is not an integer")
        }
      case 0x4C:  // LONG (text)
        var text = try line(for: "LONG")
        if text.hasSuffix("L") { text.removeLast() }
        guard let value = Int(text) else { throw malformed("LONG '\(text)' does not fit Int") }
        stack.append(.int(value))
      case 0x46:  // FLOAT (text)
        let text = try line(for: "FLOAT")
        guard let value = Double(text) else { throw malformed("FLOAT '\(text)' is no number") }
        stack.append(.float(value))
      case 0x4A:  // BININT
        stack.append(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4, for: "BININT")))))
      case 0x4B:  // BININT1
        stack.append(.int(Int(try littleEndian(1, for: "BININT1"))))
      case 0x4D:  // BININT2
        stack.append(.int(Int(try littleEndian(2, for: "BININT2"))))
      case 0x8A, 0x8B:  // LONG1, LONG4: little-endian two's complement
        let n = op == 0x8A ? try length(1, for: "LONG1") : try length(4, for: "LONG4")
        let digits = try take(n, for: "LONG")
        if n > 8 { throw malformed("integer of \(n) bytes does not fit Int") }
        var raw: UInt64 = 0
        for (i, byte) in digits.enumerated() { raw |= UInt64(byte) << (8 * i) }
        if n > 0 && n < 8 && digits.last! & 0x80 != 0 { raw |= ~0 << (8 * UInt64(n)) }
        stack.append(.int(Int(truncatingIfNeeded: raw)))
      case 0x47:  // BINFLOAT: big-endian IEEE double
        var raw: UInt64 = 0
        for byte in try take(8, for: "BINFLOAT") { raw = raw << 8 | UInt64(byte) }
        stack.append(.float(Double(bitPattern: raw)))

      case 0x54:  // BINSTRING (Python 2 str): signed 4-byte length
        let raw = Int32(truncatingIfNeeded: try littleEndian(4, for: "BINSTRING"))
        if raw < 0 { throw malformed("BINSTRING with negative length \(raw)") }
        stack.append(.bytes(try take(Int(raw), for: "BINSTRING")))
      case 0x55:  // SHORT_BINSTRING
        stack.append(.bytes(try take(length(1, for: "SHORT_BINSTRING"), for: "SHORT_BINSTRING")))
      case 0x58:  // BINUNICODE
        stack.append(.text(try take(length(4, for: "BINUNICODE"), for: "BINUNICODE")))
      case 0x8C:  // SHORT_BINUNICODE
        stack.append(
          .text(try take(length(1, for: "SHORT_BINUNICODE"), for: "SHORT_BINUNICODE")))
      case 0x8D:  // BINUNICODE8
        stack.append(.text(try take(length(8, for: "BINUNICODE8"), for: "BINUNICODE8")))
      case 0x42:  // BINBYTES
        stack.append(.bytes(try take(length(4, for: "BINBYTES"), for: "BINBYTES")))
      case 0x43:  // SHORT_BINBYTES
        stack.append(.bytes(try take(length(1, for: "SHORT_BINBYTES"), for: "SHORT_BINBYTES")))
      case 0x8E:  // BINBYTES8
        stack.append(.bytes(try take(length(8, for: "BINBYTES8"), for: "BINBYTES8")))
      case 0x96:  // BYTEARRAY8 (protocol 5; read as bytes)
        stack.append(.bytes(try take(length(8, for: "BYTEARRAY8"), for: "BYTEARRAY8")))

      case 0x7D: stack.append(.dict(newDict()))  // EMPTY_DICT
      case 0x5D: stack.append(.list(newList()))  // EMPTY_LIST
      case 0x29: stack.append(try tuple([]))  // EMPTY_TUPLE
      case 0x8F: stack.append(.set(newList()))  // EMPTY_SET
      case 0x74: stack.append(try tuple(try popMark()))  // TUPLE
      case 0x85:  // TUPLE1
        let a = try pop()
        stack.append(try tuple([a]))
      case 0x86:  // TUPLE2
        let b = try pop(), a = try pop()
        stack.append(try tuple([a, b]))
      case 0x87:  // TUPLE3
        let c = try pop(), b = try pop(), a = try pop()
        stack.append(try tuple([a, b, c]))
      case 0x6C:  // LIST
        let box = newList()
        box.items = try popMark()
        stack.append(.list(box))
      case 0x64:  // DICT
        let box = newDict()
        box.pairs = try pairs(try popMark())
        stack.append(.dict(box))
      case 0x91:  // FROZENSET
        let box = newList()
        box.items = try popMark()
        stack.append(.set(box))
      case 0x61:  // APPEND
        let value = try pop()
        try list(try top()).items.append(value)
      case 0x65:  // APPENDS
        let values = try popMark()
        try list(try top()).items.append(contentsOf: values)
      case 0x90:  // ADDITEMS
        let values = try popMark()
        guard case .set(let box) = try top() else { throw malformed("ADDITEMS needs a set") }
        box.items.append(contentsOf: values)
      case 0x73:  // SETITEM
        let value = try pop(), key = try pop()
        try dict(try top()).pairs.append((key, value))
      case 0x75:  // SETITEMS
        let values = try pairs(try popMark())
        try dict(try top()).pairs.append(contentsOf: values)

      case 0x67:  // GET (text)
        let text = try line(for: "GET")
        guard let index = Int(text) else { throw malformed("GET '\(text)' is no index") }
        stack.append(try memoGet(index))
      case 0x68: stack.append(try memoGet(Int(try littleEndian(1, for: "BINGET"))))
      case 0x6A: stack.append(try memoGet(Int(try littleEndian(4, for: "LONG_BINGET"))))
      case 0x70:  // PUT (text)
        let text = try line(for: "PUT")
        guard let index = Int(text) else { throw malformed("PUT '\(text)' is no index") }
        memo[index] = try top()
      case 0x71: memo[Int(try littleEndian(1, for: "BINPUT"))] = try top()
      case 0x72: memo[Int(try littleEndian(4, for: "LONG_BINPUT"))] = try top()
      case 0x94: memo[memo.count] = try top()  // MEMOIZE

      case 0x63:  // GLOBAL module\nname\n
        let module = try line(for: "GLOBAL"), name = try line(for: "GLOBAL")
        stack.append(try resolveGlobal(module: module, name: name))
      case 0x93:  // STACK_GLOBAL
        let nameNode = try pop(), moduleNode = try pop()
        guard case .text(let name) = nameNode, case .text(let module) = moduleNode else {
          throw malformed("STACK_GLOBAL needs two str operands")
        }
        stack.append(try resolveGlobal(
          module: String(decoding: module, as: UTF8.self),
          name: String(decoding: name, as: UTF8.self)))
      case 0x52:  // REDUCE
        let arguments = try pop(), callable = try pop()
        stack.append(try reduce(callable, arguments))
      case 0x62:  // BUILD
        let state = try pop()
        try build(try top(), state)

      case 0x69:  // INST module\nname\n: names a class to instantiate
        let module = try line(for: "INST"), name = try line(for: "INST")
        _ = try resolveGlobal(module: module, name: name)
        throw malformed("opcode INST (instantiate \(module).\(name)) is refused")
      case 0x6F, 0x81, 0x92:
        throw malformed("opcode \(opcodeName(op)) constructs an arbitrary object; refused")
      case 0x82, 0x83, 0x84:
        throw malformed("opcode \(opcodeName(op)) looks up the copyreg extension registry; refused")
      case 0x50, 0x51:
        throw malformed("opcode \(opcodeName(op)) (persistent id) is refused")
      case 0x97, 0x98:
        throw malformed("opcode \(opcodeName(op)) needs out-of-band buffers, which files lack")
      case 0x53:  // STRING: a quoted Python 2 str literal with backslash escapes
        stack.append(.bytes(try quotedString(rawLine(for: "STRING"))[...]))
      case 0x56:  // UNICODE: raw-unicode-escape text
        stack.append(.text(Array(try rawUnicodeEscape(rawLine(for: "UNICODE")).utf8)[...]))
      default:
        throw malformed("unknown opcode \(hexByte(op))")
      }
    }
  }

  func opcodeName(_ op: UInt8) -> String {
    switch op {
    case 0x6F: return "OBJ"
    case 0x81: return "NEWOBJ"
    case 0x92: return "NEWOBJ_EX"
    case 0x82: return "EXT1"
    case 0x83: return "EXT2"
    case 0x84: return "EXT4"
    case 0x50: return "PERSID"
    case 0x51: return "BINPERSID"
    case 0x97: return "NEXT_BUFFER"
    case 0x98: return "READONLY_BUFFER"
    case 0x53: return "STRING"
    case 0x56: return "UNICODE"
    default: return hexByte(op)
    }
  }

  func hexByte(_ op: UInt8) -> String {
    let digits = String(op, radix: 16, uppercase: true)
    return "0x" + (digits.count < 2 ? "0" : "") + digits
  }

  func list(_ node: PickleNode) throws -> ListBox {
    guard case .list(let box) = node else { throw malformed("APPEND/APPENDS target is no list") }
    return box
  }

  func dict(_ node: PickleNode) throws -> DictBox {
    guard case .dict(let box) = node else { throw malformed("SETITEM(S) target is no dict") }
    return box
  }

  func pairs(_ flat: [PickleNode]) throws -> [(PickleNode, PickleNode)] {
    guard flat.count % 2 == 0 else { throw malformed("odd number of items for a dict") }
    return stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
  }

  // MARK: Interpreting the allowed callables

  func textValue(_ node: PickleNode) -> String? {
    switch node {
    case .text(let utf8), .bytes(let utf8): return String(decoding: utf8, as: UTF8.self)
    default: return nil
    }
  }

  func tupleItems(_ node: PickleNode, _ what: String) throws -> [PickleNode] {
    guard case .tuple(let box) = node else { throw malformed("\(what) needs a tuple") }
    return box.items
  }

  func intValue(_ node: PickleNode) -> Int? {
    switch node {
    case .int(let v): return v
    case .bool(let v): return v ? 1 : 0
    default: return nil
    }
  }

  func shape(_ node: PickleNode) throws -> [Int] {
    let dims = try tupleItems(node, "array shape").map { node -> Int in
      guard let v = intValue(node), v >= 0 else { throw malformed("bad array dimension") }
      return v
    }
    return dims
  }

  func reduce(_ callable: PickleNode, _ argumentNode: PickleNode) throws -> PickleNode {
    guard case .global(let global, let name) = callable else {
      throw malformed("REDUCE of something that is not an allowed global")
    }
    let arguments = try tupleItems(argumentNode, "REDUCE of \(name)")
    switch global {
    case .reconstruct:
      guard arguments.count == 3, case .global(.ndarray, _) = arguments[0] else {
        throw malformed("\(name) is only accepted as _reconstruct(numpy.ndarray, shape, typecode)")
      }
      return .array(ArrayBox())
    case .dtype:
      guard let typeString = arguments.first.flatMap(textValue),
        let dtype = NumpyDType(typeString: typeString)
      else {
        throw malformed("numpy.dtype of an unsupported type (only bool/int/uint/float)")
      }
      return .dtype(DTypeBox(dtype))
    case .frombuffer:
      guard arguments.count == 4 else { throw malformed("\(name) needs 4 arguments") }
      guard case .bytes(let buffer) = arguments[0] else {
        throw malformed("\(name) needs a bytes buffer")
      }
      guard case .dtype(let dtype) = arguments[1] else { throw malformed("\(name) needs a dtype") }
      let order = textValue(arguments[3]) ?? "C"
      return .array(ArrayBox(try array(
        shape: shape(arguments[2]), dtype: dtype.value, fortran: order == "F", data: buffer)))
    case .codecsEncode:
      guard arguments.count == 2, case .text(let utf8) = arguments[0],
        let encoding = textValue(arguments[1])
      else { throw malformed("_codecs.encode needs (str, encoding)") }
      guard ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].contains(encoding.lowercased())
      else { throw malformed("_codecs.encode with encoding '\(encoding)' is refused") }
      return .bytes(try latin1(utf8))
    case .bytes:
      guard arguments.isEmpty else { throw malformed("\(name) is only accepted with no argument") }
      return .bytes([])
    case .ndarray:
      throw malformed("numpy.ndarray may only be passed to _reconstruct, not called")
    }
  }

  func build(_ target: PickleNode, _ stateNode: PickleNode) throws {
    switch target {
    case .array(let box):
      guard box.value == nil else { throw malformed("BUILD of an array twice") }
      var state = try tupleItems(stateNode, "ndarray state")
      if state.count == 5 { state.removeFirst() }  // version
      guard state.count == 4 else { throw malformed("ndarray state has \(state.count) items") }
      guard case .dtype(let dtype) = state[1] else { throw malformed("ndarray state: no dtype") }
      guard case .bytes(let data) = state[3] else {
        throw malformed("ndarray state holds no raw bytes (object arrays are refused)")
      }
      box.value = try array(
        shape: shape(state[0]), dtype: dtype.value, fortran: intValue(state[2]) == 1, data: data)
    case .dtype(let box):
      let state = try tupleItems(stateNode, "dtype state")
      guard state.count >= 5, let order = textValue(state[1]) else {
        throw malformed("dtype state has \(state.count) items")
      }
      for i in 2...4 {
        guard case .none = state[i] else {
          throw malformed("structured or sub-array dtypes are refused")
        }
      }
      guard let dtype = NumpyDType(
        typeString: order + String(box.value.kind) + String(box.value.itemSize))
      else { throw malformed("dtype byte order '\(order)' is unknown") }
      box.value = dtype
    default:
      throw malformed("BUILD is only accepted on numpy arrays and dtypes")
    }
  }

  func array(shape: [Int], dtype: NumpyDType, fortran: Bool, data: ArraySlice<UInt8>) throws
    -> NumpyArray
  {
    let (elements, overflow) = shape.reduce((1, false)) { partial, dim in
      let (product, o) = partial.0.multipliedReportingOverflow(by: dim)
      return (product, partial.1 || o)
    }
    guard !overflow, elements * dtype.itemSize == data.count else {
      throw malformed("array data has \(data.count) bytes; shape \(shape) of \(dtype) needs "
        + "\(overflow ? "too many" : String(elements * dtype.itemSize))")
    }
    return NumpyArray(shape: shape, dtype: dtype, fortranOrder: fortran, data: data)
  }

  /// `str.encode('latin1')` of a UTF-8 string: every code point must be below 256.
  func latin1(_ utf8: ArraySlice<UInt8>) throws -> ArraySlice<UInt8> {
    var out = [UInt8]()
    out.reserveCapacity(utf8.count)
    var i = utf8.startIndex
    while i < utf8.endIndex {
      let byte = utf8[i]
      if byte < 0x80 {
        out.append(byte)
        i += 1
      } else if byte & 0xFE == 0xC2, i + 1 < utf8.endIndex, utf8[i + 1] & 0xC0 == 0x80 {
        out.append((byte & 0x03) << 6 | (utf8[i + 1] & 0x3F))
        i += 2
      } else {
        throw malformed("_codecs.encode: character above U+00FF (or bad UTF-8) at string byte "
          + "\(i - utf8.startIndex)")
      }
    }
    return out[...]
  }

  // MARK: To values

  /// Deeper structures are refused: freezing recurses once per level, and a chain of tuples
  /// (TUPLE1 repeated; found by the fuzzer) would otherwise overflow the stack. CIFAR's pickles
  /// nest four levels deep.
  static let maxNesting = 256

  func tuple(_ items: [PickleNode]) throws -> PickleNode {
    var depth = 1
    for case .tuple(let inner) in items { depth = max(depth, inner.depth + 1) }
    guard depth <= Self.maxNesting else {
      throw malformed("tuples nested more than \(Self.maxNesting) levels deep")
    }
    return .tuple(TupleBox(items, depth: depth))
  }

  /// What `freeze` has converted: every container once, shared by every reference to it (a
  /// memo reference must not copy: 40 levels of L = [L', L'] through BINGET would be 2^40
  /// copies), with the size of the tree that a consumer walking the value would see.
  struct Frozen {
    var values: [ObjectIdentifier: (value: PickleValue, size: TreeSize)] = [:]
    var visiting = Set<ObjectIdentifier>()
  }

  /// Objects and payload bytes of a value as a tree (shared parts counted at every reference).
  struct TreeSize {
    var objects = 1
    var bytes = 0
  }

  /// A pickle that writes each value once needs at least one opcode byte per object and one
  /// stream byte per payload byte, as every CIFAR file does; only shared references make the
  /// tree larger than the file. Such a tree is refused, so no reader walking it can blow up.
  func checkTreeSize(_ size: TreeSize) throws {
    if size.objects > bytes.count || size.bytes > bytes.count {
      throw malformed("shared references (memo GET) expand the value to more than the "
        + "\(bytes.count) objects or bytes of the stream itself; a data file writes each value "
        + "once, so this is refused")
    }
  }

  func freeze(_ node: PickleNode, _ frozen: inout Frozen, depth: Int = 0) throws
    -> (value: PickleValue, size: TreeSize)
  {
    guard depth < Self.maxNesting else {
      throw malformed("containers nested more than \(Self.maxNesting) levels deep")
    }
    let depth = depth + 1
    /// A container's value, converted on its first reference and shared by the later ones.
    func shared(_ object: AnyObject,
                _ convert: (inout Frozen) throws -> (value: PickleValue, size: TreeSize)) throws
      -> (value: PickleValue, size: TreeSize)
    {
      let id = ObjectIdentifier(object)
      if let done = frozen.values[id] { return done }
      guard frozen.visiting.insert(id).inserted else {
        throw malformed("the pickle's structure contains itself")
      }
      let result = try convert(&frozen)
      frozen.visiting.remove(id)
      try checkTreeSize(result.size)
      frozen.values[id] = result
      return result
    }
    func many(_ nodes: [PickleNode], _ frozen: inout Frozen) throws
      -> (values: [PickleValue], size: TreeSize)
    {
      var size = TreeSize()
      var values: [PickleValue] = []
      values.reserveCapacity(nodes.count)
      for node in nodes {
        let item = try freeze(node, &frozen, depth: depth)
        size.objects += item.size.objects
        size.bytes += item.size.bytes
        try checkTreeSize(size)
        values.append(item.value)
      }
      return (values, size)
    }
    switch node {
    case .none: return (.none, TreeSize())
    case .bool(let v): return (.bool(v), TreeSize())
    case .int(let v): return (.int(v), TreeSize())
    case .float(let v): return (.float(v), TreeSize())
    case .text(let utf8):
      return (.string(String(decoding: utf8, as: UTF8.self)), TreeSize(bytes: utf8.count))
    case .bytes(let b): return (.bytes(b), TreeSize(bytes: b.count))
    case .tuple(let box):
      return try shared(box) { frozen in
        let (items, size) = try many(box.items, &frozen)
        return (.tuple(items), size)
      }
    case .list(let box), .set(let box):
      return try shared(box) { frozen in
        let (items, size) = try many(box.items, &frozen)
        if case .set = node { return (.set(items), size) }
        return (.list(items), size)
      }
    case .dict(let box):
      return try shared(box) { frozen in
        let (flat, size) = try many(box.pairs.flatMap { [$0.0, $0.1] }, &frozen)
        let pairs = stride(from: 0, to: flat.count, by: 2).map {
          (key: flat[$0], value: flat[$0 + 1])
        }
        return (.dict(pairs), size)
      }
    case .global(_, let name): return (.callable(name), TreeSize())
    case .array(let box):
      guard let value = box.value else { throw malformed("numpy array was never filled (BUILD)") }
      return (.array(value), TreeSize(bytes: value.data.count))
    case .dtype(let box): return (.dtype(box.value), TreeSize())
    }
  }
}
