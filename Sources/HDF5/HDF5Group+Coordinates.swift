// netCDF-4 conventions on top of datasets and dimension scales: a dimension is a 1-D coordinate
// variable registered as a scale; a variable names its dimensions and has their scales attached.

extension HDF5Group {
  /// Chunk length of an extendable coordinate: rows (tasks, epochs) arrive one at a time.
  static let coordinateChunk = 64

  /// Creates the coordinate variable of dimension `name`: a 1-D dataset of `values` made a
  /// dimension scale. When `extendable`, its axis is unlimited (chunked, deflate) and grows with
  /// `append(_:)`.
  @discardableResult
  public func createCoordinate<T: HDF5Element>(
    _ name: String, values: [T], extendable: Bool = false
  ) throws -> HDF5Dataset {
    let layout: HDF5Layout = extendable
      ? .chunked(chunk: [Self.coordinateChunk], deflate: 4, extendable: true)
      : .contiguous
    let coordinate = try createDataset(name, values: values, shape: [values.count], layout: layout)
    try coordinate.makeDimensionScale(name: lastPathComponent(name))
    return coordinate
  }

  /// Creates a variable over the named dimensions (coordinates made with `createCoordinate`,
  /// by name or path) and attaches their scales. Its shape is the coordinates' current lengths;
  /// only the first dimension may be extendable, and then the variable is too. It is chunked
  /// (one row of the first axis per chunk when extendable) and deflate-compressed.
  @discardableResult
  public func createVariable<T: HDF5Element>(
    _ name: String, of type: T.Type, dimensions: [String], deflate: Int = 4
  ) throws -> HDF5Dataset {
    try makeVariable(name, T.self, dimensions: dimensions, values: nil, deflate: deflate)
  }

  /// As `createVariable(_:of:dimensions:deflate:)`, then writes `values` (row-major).
  @discardableResult
  public func createVariable<T: HDF5Element>(
    _ name: String, dimensions: [String], values: [T], deflate: Int = 4
  ) throws -> HDF5Dataset {
    try makeVariable(name, T.self, dimensions: dimensions, values: values, deflate: deflate)
  }

  private func makeVariable<T: HDF5Element>(
    _ name: String, _ type: T.Type, dimensions: [String], values: [T]?, deflate: Int
  ) throws -> HDF5Dataset {
    let coordinates = try dimensions.map { try openDataset($0) }
    var shape: [Int] = []
    var extendable = false
    for (axis, coordinate) in coordinates.enumerated() {
      let (length, maximum) = try (coordinate.shape(), coordinate.maxShape())
      precondition(length.count == 1, "dimension \(coordinate.path) is not 1-D")
      let unlimited = maximum[0] == nil
      precondition(!unlimited || axis == 0,
                   "only the first dimension may be unlimited; \(coordinate.path) is dimension \(axis)")
      extendable = extendable || unlimited
      shape.append(length[0])
    }
    let layout: HDF5Layout
    if shape.isEmpty || (!extendable && shape.contains(0)) {
      layout = .contiguous  // nothing to chunk or compress
    } else {
      var chunk = shape.map { max($0, 1) }
      if extendable { chunk[0] = 1 }
      layout = .chunked(chunk: chunk, deflate: deflate, extendable: extendable)
    }
    let variable = try createDataset(name, of: T.self, shape: shape, layout: layout)
    for (axis, coordinate) in coordinates.enumerated() {
      try variable.attachDimensionScale(coordinate, toDimension: axis)
    }
    if let values { try variable.write(values) }
    return variable
  }
}
