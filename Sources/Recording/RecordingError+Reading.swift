import Foundation
import HDF5

extension RecordingError {
  /// An HDF5 failure while reading the Strata file `path`, naming the object (and attribute) it
  /// concerns: a library failure there means the file is damaged; a type, rank or shape the
  /// reader did not expect means it was written by something else or edited.
  init(reading path: String, _ error: HDF5Error) {
    var object = error.object
    if let attribute = error.attribute {
      object = object == "/" ? "root attribute \(attribute)" : "\(object) attribute \(attribute)"
    }
    let detail = error.messages.joined(separator: "; ")
    if error.kind == .library, object == "/", let message = Self.notHDF5(path) {
      self.init(path: path, message: message)
      return
    }
    self.init(path: path, message: error.kind == .library
      ? "cannot read \(object) (truncated or damaged file?): \(detail)"
      : "\(object): \(detail)")
  }

  /// The refusal of a file that does not begin with HDF5's signature (a JSON spec given where
  /// a probe file belongs, an empty file), nil for one that does.
  static func notHDF5(_ path: String) -> String? {
    start(ofNonHDF5: path).map {
      "not a readable HDF5 file: no HDF5 signature (\($0)); Strata's probe, split, verify and "
        + "checkpoint files are HDF5"
    }
  }

  /// How `path` begins ("it is empty", "it starts with \"{\"") when its first bytes are not
  /// HDF5's signature at offset 0, where Strata writes it; nil when they are, or when the file
  /// cannot be opened.
  static func start(ofNonHDF5 path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 8)) ?? Data()
    guard Array(head) != [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a] else { return nil }
    if head.isEmpty { return "it is empty" }
    let text = String(decoding: head.prefix(while: { (0x20..<0x7f).contains($0) }), as: UTF8.self)
    return "it starts with " + (text.isEmpty
      ? head.map { String(format: "%02x", $0) }.joined(separator: " ") : "\"\(text)\"")
  }
}

/// Runs `body`, which reads the Strata file `path`, with its HDF5 failures as `RecordingError`s.
func readingHDF5<T>(_ path: String, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as HDF5Error {
    throw RecordingError(reading: path, error)
  }
}

extension HDF5Group {
  /// The length of the coordinate variable `name`, which must have one axis (a scalar or a
  /// matrix in its place would otherwise trap the readers that index by it).
  func coordinateLength(_ name: String, file path: String) throws -> Int {
    let shape = try openDataset(name).shape()
    guard shape.count == 1 else {
      throw RecordingError(path: path, message: "variable '\(name)' has shape \(shape); a "
                           + "coordinate has one axis")
    }
    return shape[0]
  }
}
