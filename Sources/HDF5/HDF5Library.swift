/// Facts about the linked libhdf5, for provenance attributes.
public enum HDF5Library {
  /// "1.10.8" on Debian bookworm.
  public static var version: String {
    let v = H5.libraryVersion()
    return "\(v.major).\(v.minor).\(v.release)"
  }
}
