extension HDF5Dataset {
  /// Writes the whole dataset; `values` are row-major and must fill the current shape.
  public func write<T: HDF5Element>(_ values: [T]) throws {
    let shape = try shape()
    precondition(values.count == shape.reduce(1, *),
                 "\(values.count) values do not fill \(path) of shape \(shape)")
    if values.isEmpty { return }
    try H5.writeDataset(try locationID(), values, slab: nil, site)
  }

  /// Writes the hyperslab at `offset` of extent `count` (row-major values).
  public func write<T: HDF5Element>(_ values: [T], offset: [Int], count: [Int]) throws {
    precondition(values.count == count.reduce(1, *),
                 "\(values.count) values do not fill a hyperslab of \(count)")
    try checkSlab(offset: offset, count: count)
    if values.isEmpty { return }
    try H5.writeDataset(try locationID(), values, slab: Slab(offset: offset, count: count), site)
  }

  /// Reads the whole dataset, row-major. With `rank`, refuses a dataset of another rank.
  /// The stored element type must be `T`'s exactly: nothing is converted.
  public func read<T: HDF5Element>(_ type: T.Type = T.self, rank: Int? = nil) throws -> [T] {
    if let rank {
      let stored = try shape().count
      guard stored == rank else {
        throw HDF5Error(kind: .rankMismatch, site: site, messages: [
          "stored rank is \(stored), read as rank \(rank)",
        ])
      }
    }
    return try H5.readDataset(try locationID(), slab: nil, site)
  }

  /// Reads the hyperslab at `offset` of extent `count`, row-major.
  public func read<T: HDF5Element>(_ type: T.Type = T.self, offset: [Int], count: [Int]) throws -> [T] {
    try checkSlab(offset: offset, count: count)
    if count.contains(0) { return [] }
    return try H5.readDataset(try locationID(), slab: Slab(offset: offset, count: count), site)
  }

  /// Reads a rank-0 dataset.
  public func readScalar<T: HDF5Element>(_ type: T.Type = T.self) throws -> T {
    let values: [T] = try read(rank: 0)
    guard let value = values.first else {
      throw HDF5Error(kind: .shapeMismatch, site: site, messages: ["scalar dataset has no value"])
    }
    return value
  }

  /// A hyperslab must have the stored rank and lie inside the stored shape.
  private func checkSlab(offset: [Int], count: [Int]) throws {
    precondition(offset.count == count.count, "offset \(offset) and count \(count) differ in rank")
    precondition(offset.allSatisfy { $0 >= 0 } && count.allSatisfy { $0 >= 0 },
                 "negative offset \(offset) or count \(count)")
    let shape = try shape()
    guard shape.count == offset.count else {
      throw HDF5Error(kind: .rankMismatch, site: site, messages: [
        "stored rank is \(shape.count), hyperslab has rank \(offset.count)",
      ])
    }
    guard zip(shape, zip(offset, count)).allSatisfy({ size, slab in slab.0 + slab.1 <= size }) else {
      throw HDF5Error(kind: .shapeMismatch, site: site, messages: [
        "hyperslab at \(offset) of \(count) exceeds shape \(shape)",
      ])
    }
  }
}
