/// The attributes of a file, group or dataset (as h5py's `.attrs`). Writing replaces an
/// attribute of the same name.
public struct HDF5Attributes: Sendable {
  let owner: any AttributeOwner

  /// Names in creation order (when the object tracks it, as everything written here does).
  public func names() throws -> [String] {
    try H5.attributeNames(try owner.locationID(), owner.site)
  }

  public func contains(_ name: String) throws -> Bool {
    try H5.attributeExists(try owner.locationID(), name, owner.site.attribute(name))
  }

  /// Writes a scalar attribute (for a string, a scalar variable-length UTF-8 string).
  public func write<T: HDF5Element>(_ name: String, _ value: T) throws {
    try H5.writeAttribute(try owner.locationID(), name, [value], scalar: true, owner.site.attribute(name))
  }

  /// Writes a 1-D attribute.
  public func write<T: HDF5Element>(_ name: String, _ values: [T]) throws {
    try H5.writeAttribute(try owner.locationID(), name, values, scalar: false, owner.site.attribute(name))
  }

  /// Reads a single value: a scalar attribute, or a 1-D one of length 1 (as netCDF-C writes
  /// numeric attributes).
  public func read<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> T {
    let site = owner.site.attribute(name)
    let (values, shape): ([T], [Int]) = try H5.readAttribute(try owner.locationID(), name, site)
    guard shape.count <= 1, values.count == 1 else {
      throw HDF5Error(kind: .shapeMismatch, site: site, messages: [
        "stored shape is \(shape), read as a single value",
      ])
    }
    return values[0]
  }

  /// Reads a 1-D (or scalar, as one element) attribute.
  public func readArray<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> [T] {
    let site = owner.site.attribute(name)
    let (values, shape): ([T], [Int]) = try H5.readAttribute(try owner.locationID(), name, site)
    guard shape.count <= 1 else {
      throw HDF5Error(kind: .rankMismatch, site: site, messages: [
        "stored rank is \(shape.count), read as rank 1",
      ])
    }
    return values
  }

  public func remove(_ name: String) throws {
    try H5.deleteAttribute(try owner.locationID(), name, owner.site.attribute(name))
  }
}

/// A group or dataset: something attributes hang on.
protocol AttributeOwner: AnyObject, Sendable {
  var site: Site { get }
  func locationID() throws -> HID
}
