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
    self.init(path: path, message: error.kind == .library
      ? "cannot read \(object) (truncated or damaged file?): \(detail)"
      : "\(object): \(detail)")
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
