import CDNNL

/// A oneDNN memory object: a descriptor plus a buffer, either allocated by oneDNN (owned, 64-byte
/// aligned) or a caller's buffer that must outlive this object.
public final class Memory: @unchecked Sendable {
  let handle: dnnl_memory_t
  public let descriptor: MemoryDescriptor
  public let engine: Engine

  /// Allocates a buffer of `descriptor.byteCount` bytes, owned by this object.
  public init(_ descriptor: MemoryDescriptor, engine: Engine) throws(DNNLError) {
    var memory: dnnl_memory_t?
    var md = descriptor.raw
    try check(dnnl_memory_create(&memory, &md, engine.handle, strata_DNNL_MEMORY_ALLOCATE()),
              "dnnl_memory_create", "\(descriptor)")
    handle = memory!
    self.descriptor = descriptor
    self.engine = engine
  }

  /// Wraps a caller's buffer without copying; the caller keeps it alive and aligned.
  public init(_ descriptor: MemoryDescriptor, engine: Engine,
              borrowing pointer: UnsafeMutableRawPointer) throws(DNNLError) {
    var memory: dnnl_memory_t?
    var md = descriptor.raw
    try check(dnnl_memory_create(&memory, &md, engine.handle, pointer),
              "dnnl_memory_create", "\(descriptor), user buffer")
    handle = memory!
    self.descriptor = descriptor
    self.engine = engine
  }

  /// The buffer. oneDNN returns the pointer it was given or allocated; it never fails for CPU.
  public var data: UnsafeMutableRawPointer {
    var pointer: UnsafeMutableRawPointer?
    dnnl_memory_get_data_handle(handle, &pointer)
    return pointer!
  }

  /// The buffer as Float32 elements (physical order; a blocked layout includes its padding).
  public var floats: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: Float.self),
                               count: descriptor.byteCount / MemoryLayout<Float>.stride)
  }

  /// Points this memory at another buffer of the same layout (for example the next input batch).
  public func rebind(to pointer: UnsafeMutableRawPointer) throws(DNNLError) {
    try check(dnnl_memory_set_data_handle(handle, pointer), "dnnl_memory_set_data_handle")
  }

  deinit { dnnl_memory_destroy(handle) }
}
