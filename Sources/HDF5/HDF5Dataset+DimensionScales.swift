/// A dimension scale attached to one axis of a dataset.
public struct DimensionScale: Sendable, Equatable {
  /// Path of the scale dataset.
  public var path: String
  /// Its NAME (the dimension name netCDF readers show), or the dataset name when unset.
  public var name: String

  public init(path: String, name: String) {
    self.path = path
    self.name = name
  }
}

extension HDF5Dataset {
  /// Makes this 1-D dataset a dimension scale named `name` (default: the dataset's name), the
  /// coordinate variable of a netCDF-4 dimension.
  public func makeDimensionScale(name: String? = nil) throws {
    try H5.setScale(try locationID(), name: name ?? self.name, site)
  }

  public func isDimensionScale() throws -> Bool {
    try H5.isScale(try locationID(), site)
  }

  /// The scale's NAME, nil when this is no scale or has no name.
  public func dimensionScaleName() throws -> String? {
    try H5.scaleName(try locationID(), site)
  }

  /// Attaches `scale` to axis `dimension`. netCDF readers need a scale on every axis.
  public func attachDimensionScale(_ scale: HDF5Dataset, toDimension dimension: Int) throws {
    try H5.attachScale(try locationID(), try scale.locationID(), dimension: dimension, site)
  }

  public func isDimensionScaleAttached(_ scale: HDF5Dataset, toDimension dimension: Int) throws -> Bool {
    try H5.isAttached(try locationID(), try scale.locationID(), dimension: dimension, site)
  }

  /// The scales attached to axis `dimension`, in attachment order.
  public func dimensionScales(dimension: Int) throws -> [DimensionScale] {
    try H5.attachedScalePaths(try locationID(), dimension: dimension, site).map { path in
      let scale = try file.root.openDataset(path)
      return DimensionScale(path: path, name: try scale.dimensionScaleName() ?? scale.name)
    }
  }

  /// Per axis, the name of its first scale (what netCDF readers call the dimension), or nil.
  public func dimensionNames() throws -> [String?] {
    try (0..<rank()).map { try dimensionScales(dimension: $0).first?.name }
  }
}
