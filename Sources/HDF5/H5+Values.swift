// Datasets, attributes, dataspaces, datatypes and the movement of values between Swift arrays
// and HDF5. Part of the C layer: see H5.swift for the locking rule.
import CHDF5
import Foundation

/// A rectangular selection: `offset` and `count` per axis. Nil selections mean "everything".
struct Slab: Sendable, Equatable {
  var offset: [Int]
  var count: [Int]
}

extension H5 {
  // MARK: Datatypes

  /// The native memory type of a numeric element (HDF5's global id: never closed).
  private static func nativeType(_ element: HDF5ElementType) -> HID {
    switch element {
    case .float32: strata_H5T_NATIVE_FLOAT()
    case .float64: strata_H5T_NATIVE_DOUBLE()
    case .int32: strata_H5T_NATIVE_INT32()
    case .int64: strata_H5T_NATIVE_INT64()
    case .uint8: strata_H5T_NATIVE_UINT8()
    case .string: preconditionFailure("strings have no native numeric type")
    }
  }

  /// The little-endian file type of a numeric element (global id: never closed).
  private static func littleEndianType(_ element: HDF5ElementType) -> HID {
    switch element {
    case .float32: strata_H5T_IEEE_F32LE()
    case .float64: strata_H5T_IEEE_F64LE()
    case .int32: strata_H5T_STD_I32LE()
    case .int64: strata_H5T_STD_I64LE()
    case .uint8: strata_H5T_STD_U8LE()
    case .string: preconditionFailure("strings have no numeric file type")
    }
  }

  /// A new variable-length C string type (caller closes it).
  private static func variableStringType(_ cset: H5T_cset_t, _ site: Site) throws -> HID {
    try locked {
      let type = try call("H5Tcopy", site) { H5Tcopy(strata_H5T_C_S1()) }
      do {
        try call("H5Tset_size", site) { H5Tset_size(type, strata_H5T_VARIABLE()) }
        try call("H5Tset_cset", site) { H5Tset_cset(type, cset) }
        return type
      } catch {
        release(type, .datatype)
        throw error
      }
    }
  }

  /// Runs `body` with the file type for new datasets and attributes of `element`.
  private static func withFileType<R>(_ element: HDF5ElementType, _ site: Site,
                                      _ body: (HID) throws -> R) throws -> R {
    try locked {
      guard element == .string else { return try body(littleEndianType(element)) }
      let type = try variableStringType(H5T_CSET_UTF8, site)
      defer { release(type, .datatype) }
      return try body(type)
    }
  }

  static func storedType(_ type: HID, _ site: Site) throws -> StoredType {
    try locked {
      let size = H5Tget_size(type)
      guard size > 0 else {
        throw HDF5Error(kind: .library, call: "H5Tget_size", site: site, messages: drainErrorStack())
      }
      let typeClass: StoredType.Class
      switch H5Tget_class(type) {
      case H5T_INTEGER:
        let sign = H5Tget_sign(type)
        guard sign != H5T_SGN_ERROR else {
          throw HDF5Error(kind: .library, call: "H5Tget_sign", site: site, messages: drainErrorStack())
        }
        typeClass = .integer(signed: sign == H5T_SGN_2)
      case H5T_FLOAT: typeClass = .float
      case H5T_STRING:
        typeClass = .string(variable: try call("H5Tis_variable_str", site) { H5Tis_variable_str(type) } > 0)
      case H5T_COMPOUND: typeClass = .other("compound")
      case H5T_ENUM: typeClass = .other("enum")
      case H5T_REFERENCE: typeClass = .other("reference")
      case H5T_VLEN: typeClass = .other("variable-length sequence")
      case H5T_ARRAY: typeClass = .other("array")
      case H5T_OPAQUE: typeClass = .other("opaque")
      case H5T_BITFIELD: typeClass = .other("bitfield")
      case H5T_TIME: typeClass = .other("time")
      default:
        throw HDF5Error(kind: .library, call: "H5Tget_class", site: site, messages: drainErrorStack())
      }
      return StoredType(typeClass: typeClass, size: size)
    }
  }

  // MARK: Dataspaces

  private static func createSpace(_ shape: [Int], maxShape: [Int?]?, _ site: Site) throws -> HID {
    if shape.isEmpty {
      return try call("H5Screate", site) { H5Screate(H5S_SCALAR) }
    }
    let dims = shape.map { hsize_t($0) }
    guard let maxShape else {
      return try call("H5Screate_simple", site) { H5Screate_simple(Int32(dims.count), dims, nil) }
    }
    let maxDims = maxShape.map { $0.map { hsize_t($0) } ?? strata_H5S_UNLIMITED }
    return try call("H5Screate_simple", site) { H5Screate_simple(Int32(dims.count), dims, maxDims) }
  }

  /// Current and maximum extent; a nil maximum is unlimited. A scalar space has rank 0;
  /// a null space (no elements) is reported as one axis of length 0.
  private static func extent(_ space: HID, _ site: Site) throws -> (shape: [Int], maxShape: [Int?]) {
    try locked {
      let type = H5Sget_simple_extent_type(space)
      if type == H5S_SCALAR { return ([], []) }
      if type == H5S_NULL { return ([0], [0]) }
      let rank = Int(try call("H5Sget_simple_extent_ndims", site) { H5Sget_simple_extent_ndims(space) })
      var dims = [hsize_t](repeating: 0, count: rank)
      var maxDims = [hsize_t](repeating: 0, count: rank)
      try call("H5Sget_simple_extent_dims", site) { H5Sget_simple_extent_dims(space, &dims, &maxDims) }
      return (dims.map { Int($0) }, maxDims.map { $0 == strata_H5S_UNLIMITED ? nil : Int($0) })
    }
  }

  private static func selectSlab(_ space: HID, _ slab: Slab, _ site: Site) throws {
    let start = slab.offset.map { hsize_t($0) }
    let count = slab.count.map { hsize_t($0) }
    try call("H5Sselect_hyperslab", site) {
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nil, count, nil)
    }
  }

  // MARK: Datasets

  struct DatasetLayout: Sendable {
    var chunk: [Int]
    var deflate: Int
  }

  static func createDataset(_ location: HID, _ name: String, _ element: HDF5ElementType,
                            shape: [Int], maxShape: [Int?]?, layout: DatasetLayout?,
                            _ site: Site) throws -> HID {
    try locked {
      let space = try createSpace(shape, maxShape: maxShape, site)
      defer { release(space, .dataspace) }
      let dcpl = try call("H5Pcreate", site) { H5Pcreate(strata_H5P_DATASET_CREATE()) }
      defer { release(dcpl, .propertyList) }
      // netCDF-4 tracks attribute creation order on variables too.
      let order = strata_H5P_CRT_ORDER_TRACKED() | strata_H5P_CRT_ORDER_INDEXED()
      try call("H5Pset_attr_creation_order", site) { H5Pset_attr_creation_order(dcpl, order) }
      if let layout {
        let chunk = layout.chunk.map { hsize_t($0) }
        try call("H5Pset_chunk", site) { H5Pset_chunk(dcpl, Int32(chunk.count), chunk) }
        // Deflate only: netCDF readers without plugins understand no other filter.
        try call("H5Pset_deflate", site) { H5Pset_deflate(dcpl, UInt32(layout.deflate)) }
      }
      return try withFileType(element, site) { fileType in
        try call("H5Dcreate2", site) {
          H5Dcreate2(location, name, fileType, space, strata_H5P_DEFAULT, dcpl, strata_H5P_DEFAULT)
        }
      }
    }
  }

  static func openDataset(_ location: HID, _ name: String, _ site: Site) throws -> HID {
    try call("H5Dopen2", site) { H5Dopen2(location, name, strata_H5P_DEFAULT) }
  }

  static func datasetExtent(_ dataset: HID, _ site: Site) throws -> (shape: [Int], maxShape: [Int?]) {
    try locked {
      let space = try call("H5Dget_space", site) { H5Dget_space(dataset) }
      defer { release(space, .dataspace) }
      return try extent(space, site)
    }
  }

  static func datasetStoredType(_ dataset: HID, _ site: Site) throws -> StoredType {
    try locked {
      let type = try call("H5Dget_type", site) { H5Dget_type(dataset) }
      defer { release(type, .datatype) }
      return try storedType(type, site)
    }
  }

  static func setExtent(_ dataset: HID, _ shape: [Int], _ site: Site) throws {
    let dims = shape.map { hsize_t($0) }
    try call("H5Dset_extent", site) { H5Dset_extent(dataset, dims) }
  }

  /// Layout, chunk shape and filters from the dataset's creation property list.
  static func creationProperties(_ dataset: HID, _ site: Site) throws -> HDF5StorageInfo {
    try locked {
      let dcpl = try call("H5Dget_create_plist", site) { H5Dget_create_plist(dataset) }
      defer { release(dcpl, .propertyList) }
      let layout = H5Pget_layout(dcpl)
      var info = HDF5StorageInfo(layout: .contiguous, chunk: nil, filters: [])
      switch layout {
      case H5D_CHUNKED:
        info.layout = .chunked
        var dims = [hsize_t](repeating: 0, count: 32)
        let rank = try call("H5Pget_chunk", site) { H5Pget_chunk(dcpl, Int32(dims.count), &dims) }
        info.chunk = dims.prefix(Int(rank)).map { Int($0) }
      case H5D_COMPACT: info.layout = .compact
      case H5D_CONTIGUOUS: info.layout = .contiguous
      default:
        throw HDF5Error(kind: .library, call: "H5Pget_layout", site: site, messages: drainErrorStack())
      }
      let count = try call("H5Pget_nfilters", site) { H5Pget_nfilters(dcpl) }
      for index in 0..<UInt32(count) {
        var flags: UInt32 = 0, config: UInt32 = 0
        var valueCount = 8
        var values = [UInt32](repeating: 0, count: valueCount)
        var name = [CChar](repeating: 0, count: 256)
        let id = try call("H5Pget_filter2", site) {
          H5Pget_filter2(dcpl, index, &flags, &valueCount, &values, name.count, &name, &config)
        }
        if id == H5Z_FILTER_DEFLATE {
          info.filters.append(.deflate(level: valueCount > 0 ? Int(values[0]) : 0))
        } else {
          info.filters.append(.other(id: Int(id), name: H5.string(name)))
        }
      }
      return info
    }
  }

  // MARK: Dataset values

  static func writeDataset<T: HDF5Element>(_ dataset: HID, _ values: [T], slab: Slab?,
                                           _ site: Site) throws {
    try locked {
      let type = try datasetStoredType(dataset, site)
      try type.check(T.hdf5Type, writing: true, site: site)
      let fileSpace = try call("H5Dget_space", site) { H5Dget_space(dataset) }
      defer { release(fileSpace, .dataspace) }
      let memorySpace: HID
      if let slab {
        try selectSlab(fileSpace, slab, site)
        memorySpace = try createSpace(slab.count, maxShape: nil, site)
      } else {
        memorySpace = strata_H5S_ALL
      }
      defer { if memorySpace != strata_H5S_ALL { release(memorySpace, .dataspace) } }
      try withMemory(values, site) { memoryType, buffer in
        try call("H5Dwrite", site) {
          H5Dwrite(dataset, memoryType, memorySpace, fileSpace, strata_H5P_DEFAULT, buffer)
        }
      }
    }
  }

  static func readDataset<T: HDF5Element>(_ dataset: HID, slab: Slab?, _ site: Site) throws -> [T] {
    try locked {
      let type = try call("H5Dget_type", site) { H5Dget_type(dataset) }
      defer { release(type, .datatype) }
      let stored = try storedType(type, site)
      try stored.check(T.hdf5Type, writing: false, site: site)
      let fileSpace = try call("H5Dget_space", site) { H5Dget_space(dataset) }
      defer { release(fileSpace, .dataspace) }
      if let slab { try selectSlab(fileSpace, slab, site) }
      let count = try slab?.count.reduce(1, *) ?? extent(fileSpace, site).shape.reduce(1, *)
      let memorySpace = try slab.map { try createSpace($0.count, maxShape: nil, site) } ?? fileSpace
      defer { if memorySpace != fileSpace { release(memorySpace, .dataspace) } }
      return try readValues(count: count, fileType: type, stored: stored,
                            memorySpace: memorySpace, site) { memoryType, buffer in
        try call("H5Dread", site) {
          H5Dread(dataset, memoryType, memorySpace, fileSpace, strata_H5P_DEFAULT, buffer)
        }
      }
    }
  }

  // MARK: Attributes

  static func attributeExists(_ location: HID, _ name: String, _ site: Site) throws -> Bool {
    try call("H5Aexists", site) { H5Aexists(location, name) } > 0
  }

  static func deleteAttribute(_ location: HID, _ name: String, _ site: Site) throws {
    try call("H5Adelete", site) { H5Adelete(location, name) }
  }

  /// Writes an attribute, replacing one of the same name. `scalar` gives a scalar dataspace
  /// (one value), otherwise a 1-D one.
  static func writeAttribute<T: HDF5Element>(_ location: HID, _ name: String, _ values: [T],
                                             scalar: Bool, _ site: Site) throws {
    try locked {
      if try attributeExists(location, name, site) { try deleteAttribute(location, name, site) }
      let space = values.isEmpty
        ? try call("H5Screate", site) { H5Screate(H5S_NULL) }
        : try createSpace(scalar ? [] : [values.count], maxShape: nil, site)
      defer { release(space, .dataspace) }
      let attribute = try withFileType(T.hdf5Type, site) { fileType in
        try call("H5Acreate2", site) {
          H5Acreate2(location, name, fileType, space, strata_H5P_DEFAULT, strata_H5P_DEFAULT)
        }
      }
      defer { release(attribute, .attribute) }
      if values.isEmpty { return }
      try withMemory(values, site) { memoryType, buffer in
        try call("H5Awrite", site) { H5Awrite(attribute, memoryType, buffer) }
      }
    }
  }

  /// An attribute's values (flattened) and shape.
  static func readAttribute<T: HDF5Element>(_ location: HID, _ name: String,
                                            _ site: Site) throws -> (values: [T], shape: [Int]) {
    try locked {
      let attribute = try call("H5Aopen", site) { H5Aopen(location, name, strata_H5P_DEFAULT) }
      defer { release(attribute, .attribute) }
      let type = try call("H5Aget_type", site) { H5Aget_type(attribute) }
      defer { release(type, .datatype) }
      let stored = try storedType(type, site)
      try stored.check(T.hdf5Type, writing: false, site: site)
      let space = try call("H5Aget_space", site) { H5Aget_space(attribute) }
      defer { release(space, .dataspace) }
      let shape = try extent(space, site).shape
      let values: [T] = try readValues(count: shape.reduce(1, *), fileType: type, stored: stored,
                                       memorySpace: space, site) { memoryType, buffer in
        try call("H5Aread", site) { H5Aread(attribute, memoryType, buffer) }
      }
      return (values, shape)
    }
  }

  // MARK: Values in memory

  /// Lays `values` out as HDF5 expects them in memory and passes the memory type and buffer.
  /// Numbers go as they are; strings as an array of NUL-terminated UTF-8 `char *`.
  private static func withMemory<T: HDF5Element>(
    _ values: [T], _ site: Site, _ body: (HID, UnsafeRawPointer) throws -> Void
  ) throws {
    guard !values.isEmpty else { return }
    guard T.hdf5Type == .string else {
      precondition(T.self is any HDF5Scalar.Type && MemoryLayout<T>.stride == T.hdf5Type.byteSize,
                   "\(T.self) declares \(T.hdf5Type) but is not laid out as one")
      try values.withUnsafeBytes { try body(nativeType(T.hdf5Type), $0.baseAddress!) }
      return
    }
    guard let strings = values as? [String] else {
      preconditionFailure("\(T.self) declares .string but is not String")
    }
    let memoryType = try variableStringType(H5T_CSET_UTF8, site)
    defer { release(memoryType, .datatype) }
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    try pointers.withUnsafeBytes { try body(memoryType, $0.baseAddress!) }
  }

  /// Reads `count` elements through `read(memoryType, buffer)` and decodes them.
  private static func readValues<T: HDF5Element>(
    count: Int, fileType: HID, stored: StoredType, memorySpace: HID, _ site: Site,
    _ read: (HID, UnsafeMutableRawPointer) throws -> Void
  ) throws -> [T] {
    guard count > 0 else { return [] }
    guard T.hdf5Type == .string else {
      precondition(T.self is any HDF5Scalar.Type && MemoryLayout<T>.stride == T.hdf5Type.byteSize,
                   "\(T.self) declares \(T.hdf5Type) but is not laid out as one")
      return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        try read(nativeType(T.hdf5Type), UnsafeMutableRawPointer(buffer.baseAddress!))
        initialized = count
      }
    }
    let strings = stored.typeClass == .string(variable: true)
      ? try readVariableStrings(count: count, fileType: fileType, memorySpace: memorySpace, site, read)
      : try readFixedStrings(count: count, fileType: fileType, site, read)
    guard let values = strings as? [T] else {
      preconditionFailure("\(T.self) declares .string but is not String")
    }
    return values
  }

  private static func readVariableStrings(
    count: Int, fileType: HID, memorySpace: HID, _ site: Site,
    _ read: (HID, UnsafeMutableRawPointer) throws -> Void
  ) throws -> [String] {
    // Keep the stored character set: HDF5 does not convert between ASCII and UTF-8 types.
    let memoryType = try variableStringType(H5Tget_cset(fileType), site)
    defer { release(memoryType, .datatype) }
    var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
    // HDF5 allocated the strings; give them back even when the read failed halfway.
    defer {
      _ = pointers.withUnsafeMutableBytes {
        H5Dvlen_reclaim(memoryType, memorySpace, strata_H5P_DEFAULT, $0.baseAddress)
      }
      _ = H5Eclear2(strata_H5E_DEFAULT)
    }
    try pointers.withUnsafeMutableBytes { try read(memoryType, $0.baseAddress!) }
    return pointers.map { $0.map { String(cString: $0) } ?? "" }
  }

  private static func readFixedStrings(
    count: Int, fileType: HID, _ site: Site, _ read: (HID, UnsafeMutableRawPointer) throws -> Void
  ) throws -> [String] {
    let memoryType = try call("H5Tcopy", site) { H5Tcopy(fileType) }
    defer { release(memoryType, .datatype) }
    let size = H5Tget_size(memoryType)
    guard size > 0 else {
      throw HDF5Error(kind: .library, call: "H5Tget_size", site: site, messages: drainErrorStack())
    }
    let spacePadded = H5Tget_strpad(memoryType) == H5T_STR_SPACEPAD
    var bytes = [UInt8](repeating: 0, count: count * size)
    try bytes.withUnsafeMutableBytes { try read(memoryType, $0.baseAddress!) }
    return (0..<count).map { index in
      var element = bytes[index * size..<(index + 1) * size]
      if let end = element.firstIndex(of: 0) { element = element[..<end] }
      if spacePadded { while element.last == 0x20 { element = element.dropLast() } }
      return String(decoding: element, as: UTF8.self)
    }
  }
}
