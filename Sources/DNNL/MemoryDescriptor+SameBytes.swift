import CDNNL

extension MemoryDescriptor {
  /// True when `other` puts every element at the same byte offset, though oneDNN names the two
  /// layouts differently: `nChw16c` with 16 channels is `nhwc` (one channel block, so the block's
  /// stride of 1 is the channel stride). A tensor can then be handed to a primitive that asks for
  /// the other name without a copy.
  public func sharesBytes(with other: MemoryDescriptor) -> Bool {
    if self == other { return true }
    guard raw.data_type == other.raw.data_type, raw.offset0 == other.raw.offset0,
          dims == other.dims, byteCount == other.byteCount,
          let mine = elementStrides, let theirs = other.elementStrides else { return false }
    return zip(dims, zip(mine, theirs)).allSatisfy { size, strides in
      size == 1 || strides.0 == strides.1
    }
  }

  /// Each axis's distance between neighbouring elements, when one number per axis describes the
  /// layout: plain strided layouts, and blocked ones whose blocked axes hold exactly one block
  /// (no padding). Nil otherwise.
  var elementStrides: [Int]? {
    guard raw.format_kind == dnnl_blocked else { return nil }
    let blocking = raw.format_desc.blocking
    let rank = Int(raw.ndims)
    var strides = withUnsafeBytes(of: blocking.strides) {
      Array($0.bindMemory(to: dnnl_dim_t.self).prefix(rank).map(Int.init))
    }
    let blocks = Int(blocking.inner_nblks)
    guard blocks > 0 else { return strides }
    let (sizes, axes) = withUnsafeBytes(of: blocking.inner_blks) { b in
      withUnsafeBytes(of: blocking.inner_idxs) { i in
        (Array(b.bindMemory(to: dnnl_dim_t.self).prefix(blocks).map(Int.init)),
         Array(i.bindMemory(to: dnnl_dim_t.self).prefix(blocks).map(Int.init)))
      }
    }
    let dims = self.dims
    guard Set(axes).count == blocks else { return nil }
    var inner = 1
    for block in stride(from: blocks - 1, through: 0, by: -1) {
      // One block spanning the whole axis: the axis's index lives in the block alone.
      guard dims[axes[block]] == sizes[block] else { return nil }
      strides[axes[block]] = inner
      inner *= sizes[block]
    }
    return strides
  }
}
