extension HDF5Dataset {
  /// Appends rows along the unlimited first axis: extends the dataset, then writes the new slab.
  /// `rows` is row-major and holds whole rows of the current trailing shape.
  /// Returns the new length of the first axis.
  @discardableResult
  public func append<T: HDF5Element>(_ rows: [T]) throws -> Int {
    let location = try locationID()
    let (shape, maxShape) = try H5.datasetExtent(location, site)
    guard let first = shape.first else {
      throw HDF5Error(kind: .rankMismatch, site: site, messages: ["cannot append to a scalar dataset"])
    }
    guard maxShape[0] == nil else {
      throw HDF5Error(kind: .shapeMismatch, site: site, messages: [
        "first axis is not unlimited (maximum shape \(maxShape.map { $0.map(String.init) ?? "unlimited" }))",
      ])
    }
    let rowSize = shape.dropFirst().reduce(1, *)
    precondition(rowSize > 0 && rows.count % rowSize == 0,
                 "\(rows.count) values are not whole rows of \(Array(shape.dropFirst())) for \(path)")
    // Refuse the wrong element type before the extent grows.
    try H5.datasetStoredType(location, site).check(T.hdf5Type, writing: true, site: site)
    let added = rows.count / rowSize
    if added == 0 { return first }
    var grown = shape
    grown[0] = first + added
    try H5.setExtent(location, grown, site)
    var offset = [Int](repeating: 0, count: shape.count)
    offset[0] = first
    var count = shape
    count[0] = added
    try H5.writeDataset(location, rows, slab: Slab(offset: offset, count: count), site)
    return grown[0]
  }
}
