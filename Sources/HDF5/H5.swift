// H5 and its facets (H5+*.swift) are the only Swift code that calls the HDF5 C API; no other file
// in this target imports CHDF5, and a test checks that.
//
// Swift Testing and Strata's own code run on many threads, while the high-level H5DS library
// (dimension scales) is never thread-safe and libhdf5 itself is not in every build (Debian's
// happens to be). So every C call happens inside `H5.locked`, which holds one global recursive
// lock, as h5py does. It is recursive because composite operations (create a dataspace, a property
// list and a dataset) and the C callbacks of iterations re-enter it.
import CHDF5
import Foundation

typealias HID = hid_t

enum H5 {
  private static let lock = NSRecursiveLock()

  static func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    silenceThisThread()
    return try body()
  }

  // HDF5 prints its error stack to stderr by default; errors here become Swift errors instead.
  // Debian builds libhdf5 thread-safe, and then the error stack and this setting belong to each
  // thread: so it is switched off once per thread, and a pthread key marks the threads done.
  private static let silencedKey: pthread_key_t? = {
    var key = pthread_key_t()
    return pthread_key_create(&key, nil) == 0 ? key : nil
  }()

  private static func silenceThisThread() {
    if let key = silencedKey, pthread_getspecific(key) != nil { return }
    _ = H5Eset_auto2(strata_H5E_DEFAULT, nil, nil)
    if let key = silencedKey { _ = pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }
  }

  /// Runs one C call under the lock; a negative result becomes an `HDF5Error` naming the call,
  /// the site and HDF5's error stack (read in the same lock hold, so no other thread's errors).
  @discardableResult
  static func call<R: BinaryInteger>(_ name: String, _ site: Site, _ body: () -> R) throws -> R {
    try locked {
      let result = body()
      if result < 0 {
        throw HDF5Error(kind: .library, call: name, site: site, messages: drainErrorStack())
      }
      return result
    }
  }

  /// For tests: whether HDF5's automatic error printing is off on this thread. Reads the setting
  /// without switching it off first.
  static func automaticErrorPrintingIsOff() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    var function: H5E_auto2_t? = nil
    var data: UnsafeMutableRawPointer? = nil
    return H5Eget_auto2(strata_H5E_DEFAULT, &function, &data) >= 0 && function == nil
  }

  static func libraryVersion() -> (major: Int, minor: Int, release: Int) {
    locked {
      var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
      _ = H5get_libversion(&major, &minor, &release)
      return (Int(major), Int(minor), Int(release))
    }
  }

  // MARK: Error stack

  private final class Lines { var lines: [String] = [] }

  /// HDF5's default error stack, outermost (the API call) first, then cleared.
  static func drainErrorStack() -> [String] {
    let box = Lines()
    withExtendedLifetime(box) {
      _ = H5Ewalk2(strata_H5E_DEFAULT, H5E_WALK_DOWNWARD, { _, entry, data in
        guard let entry, let data else { return 0 }
        let box = Unmanaged<Lines>.fromOpaque(data).takeUnretainedValue()
        let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
        // Some messages hold a ctime() date with its newline: one line per entry.
        let detail = (entry.pointee.desc.map { String(cString: $0) } ?? "")
          .replacingOccurrences(of: "\n", with: " ")
        let minor = H5.errorMessage(entry.pointee.min_num)
        var line = "\(function)(): \(detail)"
        if !minor.isEmpty, minor.lowercased() != detail.lowercased() { line += " [\(minor)]" }
        box.lines.append(line)
        return 0
      }, Unmanaged.passUnretained(box).toOpaque())
    }
    _ = H5Eclear2(strata_H5E_DEFAULT)
    return box.lines
  }

  /// A NUL-terminated C buffer as a String (invalid UTF-8 repaired, never trapping).
  static func string(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func errorMessage(_ id: hid_t) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard H5Eget_msg(id, nil, &buffer, buffer.count) > 0 else { return "" }
    return H5.string(buffer)
  }

  // MARK: Closing

  enum Kind: Sendable { case file, group, dataset, attribute, dataspace, datatype, propertyList }

  /// Closes an identifier, reporting failure (explicit `close()`).
  static func close(_ id: HID, _ kind: Kind, _ site: Site) throws {
    switch kind {
    case .file: try call("H5Fclose", site) { H5Fclose(id) }
    case .group: try call("H5Gclose", site) { H5Gclose(id) }
    case .dataset: try call("H5Dclose", site) { H5Dclose(id) }
    case .attribute: try call("H5Aclose", site) { H5Aclose(id) }
    case .dataspace: try call("H5Sclose", site) { H5Sclose(id) }
    case .datatype: try call("H5Tclose", site) { H5Tclose(id) }
    case .propertyList: try call("H5Pclose", site) { H5Pclose(id) }
    }
  }

  /// Closes an identifier from a deinit or a cleanup path, where nobody can take an error;
  /// the error stack is cleared so it does not leak into the next failure's message.
  static func release(_ id: HID, _ kind: Kind) {
    _ = try? close(id, kind, Site(file: "", object: ""))
  }

  // MARK: Files

  /// Link and attribute creation order tracked and indexed, as netCDF-4 writes its files.
  private static var creationOrderFlags: UInt32 {
    strata_H5P_CRT_ORDER_TRACKED() | strata_H5P_CRT_ORDER_INDEXED()
  }

  static func createFile(_ path: String, exclusive: Bool, inMemory: Bool = false) throws -> HID {
    let site = Site(file: path, object: "/")
    return try locked {
      let fcpl = try call("H5Pcreate", site) { H5Pcreate(strata_H5P_FILE_CREATE()) }
      defer { release(fcpl, .propertyList) }
      try call("H5Pset_link_creation_order", site) {
        H5Pset_link_creation_order(fcpl, creationOrderFlags)
      }
      try call("H5Pset_attr_creation_order", site) {
        H5Pset_attr_creation_order(fcpl, creationOrderFlags)
      }
      // The default file access list keeps the earliest library version bounds, which
      // netCDF-C and h5netcdf read.
      let flags = exclusive ? strata_H5F_ACC_EXCL() : strata_H5F_ACC_TRUNC()
      let fapl = inMemory ? try memoryAccess(site) : strata_H5P_DEFAULT
      defer { if inMemory { release(fapl, .propertyList) } }
      let file = try call("H5Fcreate", site) { H5Fcreate(path, flags, fcpl, fapl) }
      if !inMemory { markCloseOnExec(file) }
      return file
    }
  }

  /// HDF5's file driver opens without O_CLOEXEC, so a child started while a file is open (a
  /// sweep's `strata train`, a test's subprocess) would inherit the descriptor and its lock: the
  /// next open of that file here would fail with "unable to lock the file" while the child
  /// lives. Marked right after the open, the descriptor closes when a child execs.
  private static func markCloseOnExec(_ file: HID) {
    var handle: UnsafeMutableRawPointer?
    guard H5Fget_vfd_handle(file, strata_H5P_DEFAULT, &handle) >= 0, let handle else {
      _ = H5Eclear2(strata_H5E_DEFAULT)
      return
    }
    let descriptor = handle.load(as: Int32.self)
    let flags = fcntl(descriptor, F_GETFD)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
  }

  static func openFile(_ path: String, writable: Bool, inMemory: Bool = false) throws -> HID {
    let site = Site(file: path, object: "/")
    return try locked {
      // HDF5 1.10 opens an empty file for writing by writing a new superblock into it; a file
      // that is not HDF5 must stay untouched. (A missing file is left to H5Fopen's own error.)
      if writable, H5Fis_hdf5(path) == 0 {
        throw HDF5Error(kind: .library, call: "H5Fis_hdf5", site: site, messages: [
          "file signature not found: not an HDF5 file, not opened for writing",
        ])
      }
      _ = H5Eclear2(strata_H5E_DEFAULT)
      let flags = writable ? strata_H5F_ACC_RDWR() : strata_H5F_ACC_RDONLY()
      let fapl = inMemory ? try memoryAccess(site) : strata_H5P_DEFAULT
      defer { if inMemory { release(fapl, .propertyList) } }
      let file = try call("H5Fopen", site) { H5Fopen(path, flags, fapl) }
      if !inMemory { markCloseOnExec(file) }
      return file
    }
  }

  /// A file access list of the core driver without backing store: the file lives in memory
  /// (read from disk when opened) and nothing is ever written back, so no disk failure can
  /// reach HDF5 (a close that fails to flush leaves the library holding a broken file).
  private static func memoryAccess(_ site: Site) throws -> HID {
    let fapl = try call("H5Pcreate", site) { H5Pcreate(strata_H5P_FILE_ACCESS()) }
    do {
      try call("H5Pset_fapl_core", site) { H5Pset_fapl_core(fapl, 1 << 20, false) }
    } catch {
      release(fapl, .propertyList)
      throw error
    }
    return fapl
  }

  /// The bytes of the file `id` as they would be on disk (its image).
  static func fileImage(_ id: HID, _ site: Site) throws -> Data {
    try locked {
      try flushFile(id, site)
      let size = try call("H5Fget_file_image", site) { H5Fget_file_image(id, nil, 0) }
      var bytes = Data(count: Int(size))
      try bytes.withUnsafeMutableBytes { buffer in
        _ = try call("H5Fget_file_image", site) {
          H5Fget_file_image(id, buffer.baseAddress, buffer.count)
        }
      }
      return bytes
    }
  }

  static func flushFile(_ id: HID, _ site: Site) throws {
    try call("H5Fflush", site) { H5Fflush(id, H5F_SCOPE_LOCAL) }
  }

  /// Open identifiers of every kind (the file itself included) in the file of `id`.
  static func openObjectCount(_ id: HID, _ site: Site) throws -> Int {
    Int(try call("H5Fget_obj_count", site) { H5Fget_obj_count(id, strata_H5F_OBJ_ALL()) })
  }

  // MARK: Groups and links

  static func createGroup(_ location: HID, _ name: String, _ site: Site) throws -> HID {
    try locked {
      let gcpl = try call("H5Pcreate", site) { H5Pcreate(strata_H5P_GROUP_CREATE()) }
      defer { release(gcpl, .propertyList) }
      try call("H5Pset_link_creation_order", site) {
        H5Pset_link_creation_order(gcpl, creationOrderFlags)
      }
      try call("H5Pset_attr_creation_order", site) {
        H5Pset_attr_creation_order(gcpl, creationOrderFlags)
      }
      return try call("H5Gcreate2", site) {
        H5Gcreate2(location, name, strata_H5P_DEFAULT, gcpl, strata_H5P_DEFAULT)
      }
    }
  }

  static func openGroup(_ location: HID, _ name: String, _ site: Site) throws -> HID {
    try call("H5Gopen2", site) { H5Gopen2(location, name, strata_H5P_DEFAULT) }
  }

  static func linkExists(_ location: HID, _ name: String, _ site: Site) throws -> Bool {
    try call("H5Lexists", site) { H5Lexists(location, name, strata_H5P_DEFAULT) } > 0
  }

  enum ObjectType: Sendable { case group, dataset, namedDatatype, unknown }

  static func objectType(_ location: HID, _ name: String, _ site: Site) throws -> ObjectType {
    var info = H5O_info_t()
    try call("H5Oget_info_by_name2", site) {
      H5Oget_info_by_name2(location, name, &info, UInt32(H5O_INFO_BASIC), strata_H5P_DEFAULT)
    }
    switch info.type {
    case H5O_TYPE_GROUP: return .group
    case H5O_TYPE_DATASET: return .dataset
    case H5O_TYPE_NAMED_DATATYPE: return .namedDatatype
    default: return .unknown
    }
  }

  /// Names of the links in a group (or the file's root), in creation order when the group
  /// tracks and indexes it (files written here and by netCDF), else in name order.
  static func linkNames(_ location: HID, _ site: Site) throws -> [String] {
    try locked {
      let ordered = try creationOrderIndexed(location, links: true, site)
      let box = Lines()
      _ = try withExtendedLifetime(box) {
        try call("H5Literate", site) {
          H5Literate(location, ordered ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nil,
                     { _, name, _, data in
                       guard let name, let data else { return -1 }
                       Unmanaged<Lines>.fromOpaque(data).takeUnretainedValue()
                         .lines.append(String(cString: name))
                       return 0
                     }, Unmanaged.passUnretained(box).toOpaque())
        }
      }
      return box.lines
    }
  }

  /// Names of the attributes of an object, in creation order when it is tracked and indexed.
  static func attributeNames(_ location: HID, _ site: Site) throws -> [String] {
    try locked {
      let ordered = try creationOrderIndexed(location, links: false, site)
      let box = Lines()
      _ = try withExtendedLifetime(box) {
        try call("H5Aiterate2", site) {
          H5Aiterate2(location, ordered ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nil,
                      { _, name, _, data in
                        guard let name, let data else { return -1 }
                        Unmanaged<Lines>.fromOpaque(data).takeUnretainedValue()
                          .lines.append(String(cString: name))
                        return 0
                      }, Unmanaged.passUnretained(box).toOpaque())
        }
      }
      return box.lines
    }
  }

  /// Whether the object's creation property list tracks and indexes creation order of its
  /// links (groups) or attributes.
  static func creationOrderIndexed(_ location: HID, links: Bool, _ site: Site) throws -> Bool {
    try locked {
      let plist: HID
      switch H5Iget_type(location) {
      case H5I_FILE:
        // The root group's own list: what its link info says, whoever wrote the file.
        let root = try openGroup(location, "/", site)
        defer { release(root, .group) }
        plist = try call("H5Gget_create_plist", site) { H5Gget_create_plist(root) }
      case H5I_GROUP: plist = try call("H5Gget_create_plist", site) { H5Gget_create_plist(location) }
      case H5I_DATASET: plist = try call("H5Dget_create_plist", site) { H5Dget_create_plist(location) }
      default: return false
      }
      defer { release(plist, .propertyList) }
      var flags: UInt32 = 0
      if links {
        // Datasets have no links; only groups and files get here with links == true.
        try call("H5Pget_link_creation_order", site) { H5Pget_link_creation_order(plist, &flags) }
      } else {
        try call("H5Pget_attr_creation_order", site) { H5Pget_attr_creation_order(plist, &flags) }
      }
      let both = creationOrderFlags
      return flags & both == both
    }
  }

  /// The path HDF5 knows an object by (the first one, if several links lead to it).
  static func objectName(_ id: HID, _ site: Site) throws -> String {
    try locked {
      let length = try call("H5Iget_name", site) { H5Iget_name(id, nil, 0) }
      var buffer = [CChar](repeating: 0, count: Int(length) + 1)
      try call("H5Iget_name", site) { H5Iget_name(id, &buffer, buffer.count) }
      return H5.string(buffer)
    }
  }
}
