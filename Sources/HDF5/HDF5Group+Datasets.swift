extension HDF5Group {
  /// Creates a dataset of `shape` (`[]` for a scalar). Unwritten elements read as 0 or "".
  public func createDataset<T: HDF5Element>(
    _ name: String, of type: T.Type, shape: [Int], layout: HDF5Layout = .contiguous
  ) throws -> HDF5Dataset {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    let site = self.site.child(name)
    let id: HID
    switch layout {
    case .contiguous:
      id = try H5.createDataset(try locationID(), name, T.hdf5Type, shape: shape, maxShape: nil,
                                layout: nil, site)
    case .chunked(let chunk, let deflate, let extendable):
      precondition(!shape.isEmpty, "a scalar dataset cannot be chunked")
      precondition(chunk.count == shape.count && chunk.allSatisfy { $0 > 0 },
                   "chunk \(chunk) does not fit shape \(shape)")
      precondition((0...9).contains(deflate), "deflate level \(deflate) is not in 0...9")
      let maxShape: [Int?] = shape.enumerated().map { axis, size in
        extendable && axis == 0 ? nil : size
      }
      id = try H5.createDataset(try locationID(), name, T.hdf5Type, shape: shape,
                                maxShape: maxShape,
                                layout: H5.DatasetLayout(chunk: chunk, deflate: deflate), site)
    }
    return HDF5Dataset(file: file, id: id, path: site.object)
  }

  /// Creates a dataset and writes `values` (row-major) into it. `shape` defaults to 1-D.
  @discardableResult
  public func createDataset<T: HDF5Element>(
    _ name: String, values: [T], shape: [Int]? = nil, layout: HDF5Layout = .contiguous
  ) throws -> HDF5Dataset {
    let shape = shape ?? [values.count]
    precondition(values.count == shape.reduce(1, *),
                 "\(values.count) values do not fill shape \(shape)")
    let dataset = try createDataset(name, of: T.self, shape: shape, layout: layout)
    try dataset.write(values)
    return dataset
  }

  /// Opens a dataset by name or path relative to this group (or absolute).
  public func openDataset(_ name: String) throws -> HDF5Dataset {
    let site = self.site.child(name)
    return HDF5Dataset(file: file, id: try H5.openDataset(try locationID(), name, site),
                       path: site.object)
  }
}
