/// A dataset: an n-dimensional array of one element type (rank 0 is a scalar).
public final class HDF5Dataset: @unchecked Sendable {
  // @unchecked: immutable after init; HDF5 access is serialized by the HDF5 lock.

  public let file: HDF5File
  /// Absolute path inside the file.
  public let path: String
  private let id: HID

  init(file: HDF5File, id: HID, path: String) {
    self.file = file
    self.id = id
    self.path = path
  }

  deinit {
    H5.release(id, .dataset)
  }

  public var name: String { lastPathComponent(path) }

  public var attributes: HDF5Attributes { HDF5Attributes(owner: self) }

  /// The current shape; `[]` for a scalar.
  public func shape() throws -> [Int] {
    try H5.datasetExtent(try locationID(), site).shape
  }

  /// The maximum shape; nil on an unlimited axis.
  public func maxShape() throws -> [Int?] {
    try H5.datasetExtent(try locationID(), site).maxShape
  }

  public func rank() throws -> Int { try shape().count }

  /// The stored element type, or nil when it is none Strata reads (e.g. a 16-bit integer).
  public func elementType() throws -> HDF5ElementType? {
    try H5.datasetStoredType(try locationID(), site).elementType
  }

  /// Layout, chunk shape and filters as stored in the file.
  public func storageInfo() throws -> HDF5StorageInfo {
    try H5.creationProperties(try locationID(), site)
  }

  var site: Site { Site(file: file.path, object: path) }
}

extension HDF5Dataset: AttributeOwner {
  /// This dataset's identifier; `fileClosed` after the file's `close()`.
  func locationID() throws -> HID {
    _ = try file.openID(object: path)
    return id
  }
}
