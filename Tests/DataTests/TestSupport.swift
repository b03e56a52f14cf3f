import Data
import Foundation
import StrataTestSupport
import Testing

/// Runs the `python3` on PATH (which has numpy) as an oracle.
enum Python {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// `python3 -c code args…`; stdout, or a thrown failure carrying stderr.
  static func run(_ code: String, _ arguments: [String] = []) throws -> String {
    let result: ChildProcess.Result
    do { result = try ChildProcess.run("/usr/bin/env", ["python3", "-c", code] + arguments) } catch {
      throw Failure(description: "cannot start python3 from PATH: \(error)")
    }
    guard result.status == 0 else {
      throw Failure(description: "python3 exited \(result.status): " + result.errors)
    }
    return String(decoding: result.output, as: UTF8.self)
  }

  /// Whitespace-separated integers printed by `code`.
  static func integers(_ code: String, _ arguments: [String] = []) throws -> [Int] {
    try run(code, arguments).split(whereSeparator: \.isWhitespace).map {
      guard let v = Int($0) else { throw Failure(description: "not an int: \($0)") }
      return v
    }
  }
}

/// A fresh folder under the system temporary directory.
struct TemporaryFolder {
  let url: URL

  init(_ name: String = #function) throws {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-data-\(safe)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  var path: String { url.path }

  func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }

  /// Writes `bytes` to `relative`, creating folders on the way.
  @discardableResult
  func write(_ relative: String, _ bytes: [UInt8]) throws -> URL {
    let target = file(relative)
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: target.path, contents: Foundation.Data(bytes))
    else { throw Python.Failure(description: "cannot write \(target.path)") }
    return target
  }

  func makeFolder(_ relative: String) throws {
    try FileManager.default.createDirectory(
      at: file(relative), withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The message of the error `body` throws, or a test failure when it throws none.
func errorMessage(
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> String {
  do {
    try body()
    Issue.record("expected an error", sourceLocation: sourceLocation)
    return ""
  } catch {
    return String(describing: error)
  }
}

/// Big-endian UInt32 bytes (IDX headers).
func bigEndian(_ value: UInt32) -> [UInt8] {
  [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// Builds pickles opcode by opcode, as Python 2's cPickle wrote them (protocol 2).
struct PickleWriter {
  var bytes: [UInt8] = []
  private var memo: UInt32 = 1

  mutating func raw(_ values: [UInt8]) { bytes += values }
  mutating func op(_ code: Character) { bytes.append(code.asciiValue!) }
  mutating func proto(_ version: UInt8) { bytes += [0x80, version] }
  mutating func mark() { op("(") }
  /// BINPUT, or LONG_BINPUT past 255, as cPickle memoizes every container and string.
  mutating func put() {
    if memo < 256 {
      bytes += [0x71, UInt8(memo)]
    } else {
      bytes += [0x72] + littleEndian32(memo)
    }
    memo += 1
  }
  /// Python 2 `str`: SHORT_BINSTRING below 256 bytes, else BINSTRING.
  mutating func string(_ value: [UInt8]) {
    if value.count < 256 {
      bytes += [0x55, UInt8(value.count)] + value
    } else {
      bytes += [0x54] + littleEndian32(UInt32(value.count)) + value
    }
    put()
  }
  mutating func string(_ value: String) { string(Array(value.utf8)) }
  mutating func global(_ module: String, _ name: String) {
    op("c")
    bytes += Array("\(module)\n\(name)\n".utf8)
    put()
  }
  mutating func int(_ value: Int) {
    if value >= 0 && value < 256 {
      bytes += [0x4B, UInt8(value)]
    } else if value >= 0 && value < 65536 {
      bytes += [0x4D, UInt8(value & 0xFF), UInt8(value >> 8)]
    } else if let small = Int32(exactly: value) {
      bytes += [0x4A] + littleEndian32(UInt32(bitPattern: small))
    } else {
      // LONG1 with 8 little-endian two's-complement bytes.
      bytes += [0x8A, 8] + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
  }
  mutating func none() { op("N") }
  mutating func newFalse() { bytes.append(0x89) }
  mutating func tuple(_ count: Int) { bytes.append([0x29, 0x85, 0x86, 0x87][count]) }

  /// A numpy uint8 array of `shape` as numpy 1.x on Python 2 pickled it:
  /// _reconstruct(ndarray, (0,), 'b') then BUILD (1, shape, dtype('u1', 0, 1), False, data).
  mutating func uint8Array(shape: [Int], data: [UInt8]) {
    array(shape: shape, dtype: "u1", data: data)
  }

  /// A numpy array of `dtype` ("u1", "i8", "O", …) as `uint8Array` writes one; `fortran` sets the
  /// order flag of the state.
  mutating func array(shape: [Int], dtype: String, fortran: Bool = false, data: [UInt8]) {
    global("numpy.core.multiarray", "_reconstruct")
    global("numpy", "ndarray")
    int(0)
    tuple(1)
    put()
    string("b")
    tuple(3)
    put()
    op("R")
    put()
    mark()
    int(1)
    for d in shape { int(d) }
    tuple(shape.count)
    put()
    global("numpy", "dtype")
    string(dtype)
    int(0)
    int(1)
    tuple(3)
    put()
    op("R")
    put()
    mark()
    int(3)
    string("|")
    none()
    none()
    none()
    int(-1)
    int(-1)
    int(0)
    op("t")
    put()
    op("b")
    if fortran { bytes.append(0x88) } else { newFalse() }
    string(data)
    op("t")
    put()
    op("b")
  }

  /// A list of ints, APPENDS in groups of 1000 as cPickle batches them.
  mutating func intList(_ values: [Int]) {
    op("]")
    put()
    var i = 0
    while i < values.count {
      mark()
      for v in values[i..<min(i + 1000, values.count)] { int(v) }
      op("e")
      i += 1000
    }
  }

  mutating func stringList(_ values: [String]) {
    op("]")
    put()
    mark()
    for v in values { string(v) }
    op("e")
  }

  private func littleEndian32(_ v: UInt32) -> [UInt8] {
    [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
  }
}

extension PickleWriter {
  /// A protocol-2 pickle that calls os.system("touch /tmp/strata-should-not-exist") when
  /// Python loads it: readers must refuse it (the GLOBAL opcode is at offset 2).
  static var callsOSSystem: PickleWriter {
    var p = PickleWriter()
    p.proto(2)
    p.global("os", "system")
    p.string("touch /tmp/strata-should-not-exist")
    p.tuple(1)
    p.op("R")
    p.op(".")
    return p
  }
}

/// One malformed input for a reader (issue 11): `make` writes it into a fresh folder and returns
/// the path the error must name and the read that must fail.
struct BadInput: Sendable, CustomTestStringConvertible {
  typealias Make = @Sendable (TemporaryFolder) throws -> (file: String, read: () throws -> Void)

  let label: String
  /// The `DataError` case the read must throw: `truncated`, `badMagic`, `invalidContent`, …
  let errorCase: String
  /// Where in the file, as the message says it: `offset 26`, `entry 2`, `entry labels[1]`.
  let place: String
  /// Further fragments the message must contain (what is wrong).
  let mentions: [String]
  let make: Make

  init(_ label: String, _ errorCase: String, place: String, _ mentions: [String] = [],
       make: @escaping Make)
  {
    self.label = label
    self.errorCase = errorCase
    self.place = place
    self.mentions = mentions
    self.make = make
  }

  var testDescription: String { label }

  /// Makes the input, reads it and checks the error: its case, the file it names, the place.
  func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = try TemporaryFolder(label)
    defer { folder.remove() }
    let (file, read) = try make(folder)
    let error = try #require(throws: DataError.self, sourceLocation: sourceLocation) { try read() }
    let text = error.description
    print("BADINPUT \(label): \(text)")
    #expect(caseName(error) == errorCase, "\(text)", sourceLocation: sourceLocation)
    #expect(error.file == file, "\(text)", sourceLocation: sourceLocation)
    #expect(text.hasPrefix(file), "\(text)", sourceLocation: sourceLocation)
    #expect(text.contains(place), "\(text) lacks \(place)", sourceLocation: sourceLocation)
    for fragment in mentions {
      #expect(text.contains(fragment), "\(text) lacks \(fragment)", sourceLocation: sourceLocation)
    }
  }
}

/// The case of a `DataError` by name (`truncated`): every case has a payload, so the mirror's
/// one child is labelled with it.
func caseName(_ error: DataError) -> String {
  Mirror(reflecting: error).children.first?.label ?? "\(error)"
}

/// `bytes` gzipped by Python's gzip module (the `python3` on PATH).
func gzipped(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> [UInt8] {
  let raw = try folder.write("gzip-input", bytes)
  _ = try Python.run("import gzip, sys\nd = open(sys.argv[1], 'rb').read()\n"
    + "open(sys.argv[1] + '.gz', 'wb').write(gzip.compress(d))", [raw.path])
  let data = try Foundation.Data(contentsOf: folder.file("gzip-input.gz"))
  try FileManager.default.removeItem(at: raw)
  try FileManager.default.removeItem(at: folder.file("gzip-input.gz"))
  return [UInt8](data)
}
