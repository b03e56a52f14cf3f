/// How a dataset is stored, read back from its creation property list.
public struct HDF5StorageInfo: Sendable, Equatable {
  public enum Layout: Sendable, Equatable { case contiguous, chunked, compact }

  public var layout: Layout
  /// Chunk shape when chunked.
  public var chunk: [Int]?
  /// Filters in pipeline order; Strata writes at most `[.deflate(level:)]`.
  public var filters: [HDF5Filter]

  public init(layout: Layout, chunk: [Int]?, filters: [HDF5Filter]) {
    self.layout = layout
    self.chunk = chunk
    self.filters = filters
  }
}

public enum HDF5Filter: Sendable, Equatable {
  case deflate(level: Int)
  /// Any other filter a foreign file uses (shuffle, szip, a plugin), with HDF5's id and name.
  case other(id: Int, name: String)
}
