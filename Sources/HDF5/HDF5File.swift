import struct Foundation.Data

/// An open HDF5 file.
///
/// Files created here are netCDF-4 compatible: link and attribute creation order are tracked and
/// indexed on the file and on every group, and the library version bounds stay at their defaults,
/// so netCDF-C, h5netcdf and h5py read them.
///
/// Every group, dataset and attribute set holds its file alive; the file closes when `close()`
/// is called or the last reference goes. After `close()` every handle from the file throws
/// `HDF5Error.Kind.fileClosed`; HDF5 releases the file on disk once those handles are gone too.
public final class HDF5File: @unchecked Sendable {
  // @unchecked: `id` is the only mutable state and is read and written under the HDF5 lock.

  public enum CreateMode: Sendable { case truncate, exclusive }
  public enum AccessMode: Sendable { case readOnly, readWrite }

  public let path: String
  public let mode: AccessMode
  private var id: HID?

  private init(path: String, mode: AccessMode, id: HID) {
    self.path = path
    self.mode = mode
    self.id = id
  }

  deinit {
    if let id { H5.release(id, .file) }
  }

  /// Creates a file; `.exclusive` fails if it exists, `.truncate` replaces it.
  public static func create(_ path: String, mode: CreateMode = .truncate) throws -> HDF5File {
    HDF5File(path: path, mode: .readWrite, id: try H5.createFile(path, exclusive: mode == .exclusive))
  }

  public static func open(_ path: String, mode: AccessMode = .readOnly) throws -> HDF5File {
    HDF5File(path: path, mode: mode, id: try H5.openFile(path, writable: mode == .readWrite))
  }

  /// A new file held in memory; `name` (where it will be saved) names it in errors. Nothing is
  /// written to disk: `image()` gives its bytes, for the caller to write where and how it wants.
  public static func createInMemory(_ name: String) throws -> HDF5File {
    HDF5File(path: name, mode: .readWrite, id: try H5.createFile(name, exclusive: false, inMemory: true))
  }

  /// The file at `path` read into memory for changes that are never written back: `image()`
  /// gives the changed bytes.
  public static func openInMemory(_ path: String) throws -> HDF5File {
    HDF5File(path: path, mode: .readWrite, id: try H5.openFile(path, writable: true, inMemory: true))
  }

  /// The file's bytes as they would be on disk (for a file in memory, its only copy).
  public func image() throws -> Data {
    try H5.fileImage(try openID(), site)
  }

  /// The root group `/`. It uses the file's own identifier, so it opens nothing new.
  public var root: HDF5Group { HDF5Group(rootOf: self) }

  /// Attributes of the root group, which is where HDF5 and netCDF keep file attributes.
  public var attributes: HDF5Attributes { root.attributes }

  public var isOpen: Bool { H5.locked { id != nil } }

  public func flush() throws {
    try H5.flushFile(try openID(), site)
  }

  /// Flushes and closes the file. Closing twice is harmless.
  public func close() throws {
    try H5.locked {
      guard let id else { return }
      self.id = nil
      try H5.close(id, .file, site)
    }
  }

  /// Open HDF5 identifiers in this file, of every kind, the file itself included: 1 when every
  /// group, dataset and attribute from it has been released. For leak checks in tests.
  public func openObjectCount() throws -> Int {
    try H5.locked { try H5.openObjectCount(try openID(), site) }
  }

  var site: Site { Site(file: path, object: "/") }

  /// The identifier, or `fileClosed` for `object` after `close()`.
  func openID(object: String = "/") throws -> HID {
    try H5.locked {
      guard let id else {
        throw HDF5Error(kind: .fileClosed, site: Site(file: path, object: object),
                        messages: ["the file was closed"])
      }
      return id
    }
  }
}
