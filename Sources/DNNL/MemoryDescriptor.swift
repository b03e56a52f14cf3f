import CDNNL

/// Element types Strata uses.
public enum DataType: Sendable {
  case f32, s32, u8

  var raw: dnnl_data_type_t {
    switch self {
    case .f32: dnnl_f32
    case .s32: dnnl_s32
    case .u8: dnnl_u8
    }
  }
}

/// Memory layouts by oneDNN's tag names. `any` lets a primitive choose (blocked `nChw8c` for
/// activations on AVX2); the plain tags are the edges where data enters or leaves.
public enum FormatTag: Sendable {
  case any
  /// 1-D: `x`; 2-D: `nc` (= `ab`), `oi`; 4-D activations: `nchw`, `nhwc`, `nChw8c`, `nChw16c`;
  /// 4-D weights: `oihw`.
  case x, nc, nchw, nhwc, nChw8c, nChw16c, oihw

  var raw: dnnl_format_tag_t {
    switch self {
    case .any: dnnl_format_tag_any
    case .x: dnnl_x
    case .nc: dnnl_nc
    case .nchw: dnnl_nchw
    case .nhwc: dnnl_nhwc
    case .nChw8c: dnnl_nChw8c
    case .nChw16c: dnnl_nChw16c
    case .oihw: dnnl_oihw
    }
  }
}

/// A oneDNN memory descriptor: logical dimensions, element type and physical layout.
public struct MemoryDescriptor: @unchecked Sendable {
  var raw: dnnl_memory_desc_t

  init(raw: dnnl_memory_desc_t) { self.raw = raw }

  /// A descriptor by layout tag, e.g. `MemoryDescriptor([128, 16, 32, 32], .f32, .nChw8c)`.
  public init(_ dims: [Int], _ type: DataType = .f32, _ tag: FormatTag) throws(DNNLError) {
    precondition(!dims.isEmpty && dims.count <= Int(DNNL_MAX_NDIMS), "rank \(dims.count)")
    raw = dnnl_memory_desc_t()
    var d = Self.dimsTuple(dims)
    let ndims = Int32(dims.count)
    let status = withUnsafePointer(to: &d) {
      $0.withMemoryRebound(to: dnnl_dim_t.self, capacity: dims.count) {
        dnnl_memory_desc_init_by_tag(&raw, ndims, $0, type.raw, tag.raw)
      }
    }
    try check(status, "dnnl_memory_desc_init_by_tag", "dims \(dims), tag \(tag)")
  }

  /// A descriptor by explicit element strides (plain, unblocked layouts).
  public init(_ dims: [Int], _ type: DataType = .f32, strides: [Int]) throws(DNNLError) {
    precondition(dims.count == strides.count, "dims and strides differ in rank")
    raw = dnnl_memory_desc_t()
    var d = Self.dimsTuple(dims)
    var s = Self.dimsTuple(strides)
    let ndims = Int32(dims.count)
    let rank = dims.count
    let status = withUnsafePointer(to: &d) { dp in
      withUnsafePointer(to: &s) { sp in
        dp.withMemoryRebound(to: dnnl_dim_t.self, capacity: rank) { dims in
          sp.withMemoryRebound(to: dnnl_dim_t.self, capacity: rank) { strides in
            dnnl_memory_desc_init_by_strides(&raw, ndims, dims, type.raw, strides)
          }
        }
      }
    }
    try check(status, "dnnl_memory_desc_init_by_strides", "dims \(dims), strides \(strides)")
  }

  /// The empty descriptor (`format_kind undef`), for "no bias" and absent arguments.
  public static var zero: MemoryDescriptor { MemoryDescriptor(raw: dnnl_memory_desc_t()) }

  /// Logical dimensions.
  public var dims: [Int] {
    withUnsafeBytes(of: raw.dims) { buffer in
      Array(buffer.bindMemory(to: dnnl_dim_t.self).prefix(Int(raw.ndims)).map(Int.init))
    }
  }

  /// Bytes the layout occupies, padding included (a blocked layout rounds channels up to 8).
  public var byteCount: Int { withUnsafePointer(to: raw) { dnnl_memory_desc_get_size($0) } }

  public var isZero: Bool { raw.ndims == 0 }

  /// True for the plain dense row-major layout of `dims` (`nchw`, `nc`, `x`, `oihw`).
  public var isPlainRowMajor: Bool {
    guard raw.format_kind == dnnl_blocked, raw.format_desc.blocking.inner_nblks == 0 else {
      return false
    }
    let dims = self.dims
    var expected = 1
    return withUnsafeBytes(of: raw.format_desc.blocking.strides) { buffer in
      let strides = buffer.bindMemory(to: dnnl_dim_t.self)
      for axis in stride(from: dims.count - 1, through: 0, by: -1) {
        if dims[axis] != 1 && Int(strides[axis]) != expected { return false }
        expected *= dims[axis]
      }
      return true
    }
  }

  /// True when every sample (index along axis 0) occupies its own dense run of
  /// `count / dims[0]` elements, in order, with no padding: plain layouts and blocked ones like
  /// `nChw16c` when the channels fill the blocks. Within a sample the order may be blocked.
  public var isSampleContiguous: Bool {
    guard raw.format_kind == dnnl_blocked, raw.offset0 == 0, let samples = dims.first,
          samples > 0 else { return false }
    let blocking = raw.format_desc.blocking
    let padded = withUnsafeBytes(of: raw.padded_dims) { buffer in
      Array(buffer.bindMemory(to: dnnl_dim_t.self).prefix(Int(raw.ndims)).map(Int.init))
    }
    let perSample = dims.dropFirst().reduce(1, *)
    let blocksAxis0 = withUnsafeBytes(of: blocking.inner_idxs) { buffer in
      buffer.bindMemory(to: dnnl_dim_t.self).prefix(Int(blocking.inner_nblks)).contains(0)
    }
    let stride0 = withUnsafeBytes(of: blocking.strides) { $0.bindMemory(to: dnnl_dim_t.self)[0] }
    return padded == dims && !blocksAxis0 && (samples == 1 || Int(stride0) == perSample)
      && byteCount == samples * perSample * MemoryLayout<Float>.size
  }

  /// The same dimensions and type with a different layout tag.
  public func with(_ tag: FormatTag) throws(DNNLError) -> MemoryDescriptor {
    try MemoryDescriptor(dims, dataType, tag)
  }

  var dataType: DataType {
    switch raw.data_type {
    case dnnl_s32: .s32
    case dnnl_u8: .u8
    default: .f32
    }
  }

  static func dimsTuple(_ dims: [Int]) -> dnnl_dims_t { dnnlDims(dims) }
}

/// oneDNN's fixed-size `dnnl_dims_t` from a Swift array.
func dnnlDims(_ dims: [Int]) -> dnnl_dims_t {
  var tuple = dnnl_dims_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  withUnsafeMutableBytes(of: &tuple) { buffer in
    let t = buffer.bindMemory(to: dnnl_dim_t.self)
    for (i, d) in dims.enumerated() { t[i] = dnnl_dim_t(d) }
  }
  return tuple
}

extension MemoryDescriptor: Hashable {
  /// Hashes what distinguishes layouts cheaply; equality is oneDNN's own comparison.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(dims)
    hasher.combine(raw.format_kind.rawValue)
    hasher.combine(raw.format_desc.blocking.inner_nblks)
  }

  public static func == (a: MemoryDescriptor, b: MemoryDescriptor) -> Bool {
    withUnsafePointer(to: a.raw) { pa in
      withUnsafePointer(to: b.raw) { pb in dnnl_memory_desc_equal(pa, pb) != 0 }
    }
  }
}

extension MemoryDescriptor: CustomStringConvertible {
  /// `128x16x32x32 f32 blocked(b8)`: dims, type, and the inner blocks by axis letter.
  public var description: String {
    let shape = dims.map(String.init).joined(separator: "x")
    guard !isZero else { return "none" }
    guard raw.format_kind == dnnl_blocked else {
      return "\(shape) \(String(cString: dnnl_fmt_kind2str(raw.format_kind)))"
    }
    let blocking = raw.format_desc.blocking
    let n = Int(blocking.inner_nblks)
    let blocks = withUnsafeBytes(of: blocking.inner_blks) { b in
      withUnsafeBytes(of: blocking.inner_idxs) { i in
        let sizes = b.bindMemory(to: dnnl_dim_t.self), axes = i.bindMemory(to: dnnl_dim_t.self)
        return (0..<n).map { "\(Character(UnicodeScalar(UInt8(97 + Int(axes[$0])))))\(sizes[$0])" }
      }
    }
    let type = String(cString: dnnl_dt2str(raw.data_type))
    return n == 0 ? "\(shape) \(type) plain" : "\(shape) \(type) blocked(\(blocks.joined()))"
  }
}
