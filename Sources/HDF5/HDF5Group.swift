/// A group: a directory of datasets, groups and attributes, in creation order.
public final class HDF5Group: @unchecked Sendable {
  // @unchecked: immutable after init; HDF5 access is serialized by the HDF5 lock.

  public let file: HDF5File
  /// Absolute path, `/` for the root.
  public let path: String
  /// Nil for the root group, which is reached through the file's identifier.
  private let id: HID?

  init(rootOf file: HDF5File) {
    self.file = file
    self.path = "/"
    self.id = nil
  }

  init(file: HDF5File, id: HID, path: String) {
    self.file = file
    self.path = path
    self.id = id
  }

  deinit {
    if let id { H5.release(id, .group) }
  }

  /// The last component of the path.
  public var name: String { lastPathComponent(path) }

  public var attributes: HDF5Attributes { HDF5Attributes(owner: self) }

  /// Creates a child group (creation order tracked and indexed, as netCDF-4 expects).
  public func createGroup(_ name: String) throws -> HDF5Group {
    let site = self.site.child(name)
    return HDF5Group(file: file, id: try H5.createGroup(try locationID(), name, site), path: site.object)
  }

  /// Opens a group by name or path relative to this group (or absolute).
  public func openGroup(_ name: String) throws -> HDF5Group {
    let site = self.site.child(name)
    return HDF5Group(file: file, id: try H5.openGroup(try locationID(), name, site), path: site.object)
  }

  /// Whether `name` (a child, or a relative path like `a/b`) exists.
  public func contains(_ name: String) throws -> Bool {
    let location = try locationID()
    var prefix = name.hasPrefix("/") ? "/" : ""
    let components = name.split(separator: "/", omittingEmptySubsequences: true)
    guard !components.isEmpty else { return false }
    for (index, component) in components.enumerated() {
      prefix = prefix.isEmpty || prefix == "/" ? prefix + component : prefix + "/" + component
      guard try H5.linkExists(location, prefix, site.child(prefix)) else { return false }
      // H5Lexists cannot look inside a dataset; a path through one does not exist.
      if index < components.count - 1,
         try H5.objectType(location, prefix, site.child(prefix)) != .group { return false }
    }
    return true
  }

  /// Names of the direct children, in creation order when the group tracks it.
  public func childNames() throws -> [String] {
    try H5.linkNames(try locationID(), site)
  }

  /// What kind of object `name` is; throws when it does not exist.
  public func kind(of name: String) throws -> HDF5ObjectKind {
    switch try H5.objectType(try locationID(), name, site.child(name)) {
    case .group: .group
    case .dataset: .dataset
    case .namedDatatype: .namedDatatype
    case .unknown: .other
    }
  }

  var site: Site { Site(file: file.path, object: path) }
}

extension HDF5Group: AttributeOwner {
  /// This group's identifier; `fileClosed` after the file's `close()`.
  func locationID() throws -> HID {
    let fileID = try file.openID(object: path)
    return id ?? fileID
  }
}

public enum HDF5ObjectKind: Sendable, Equatable {
  case group, dataset, namedDatatype, other
}

func lastPathComponent(_ path: String) -> String {
  path.split(separator: "/").last.map(String.init) ?? "/"
}
