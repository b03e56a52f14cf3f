import DNNL

/// A Float32 tensor with a logical shape (`[N, C, H, W]` for maps, `[N, F]` for features,
/// `[O, I, KH, KW]` for convolution weights) stored in whatever layout oneDNN chose for it.
///
/// Between layers activations stay in oneDNN's blocked layouts (`nChw8c` on AVX2); `scalars()`
/// and `init(shape:scalars:)` reorder at the edges. Storage comes from `BufferPool` and returns
/// to it when the tensor is released. A tensor's values are mutable through `memory`, but ops
/// never write into their inputs, except where a caller allows it explicitly
/// (`Convolution.fusedInference(overwritingResidual:)`).
public final class Tensor: @unchecked Sendable {
  public let shape: [Int]
  public let memory: Memory
  private let buffer: UnsafeMutableRawPointer
  private let byteCount: Int
  /// The tensor whose storage a view shares (kept alive by it); nil for one that owns its own.
  private let base: Tensor?

  /// An uninitialized tensor with the given layout.
  public init(_ descriptor: MemoryDescriptor, context: ComputeContext) throws(DNNLError) {
    shape = descriptor.dims
    byteCount = descriptor.byteCount
    buffer = BufferPool.shared.take(byteCount)
    base = nil
    do {
      memory = try Memory(descriptor, engine: context.engine, borrowing: buffer)
    } catch {
      BufferPool.shared.give(buffer, byteCount: byteCount)
      throw error
    }
  }

  /// A tensor in the plain row-major layout holding `scalars` (NCHW order).
  public convenience init(shape: [Int], scalars: [Float], context: ComputeContext)
    throws(DNNLError)
  {
    precondition(shape.reduce(1, *) == scalars.count,
                 "shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
    try self.init(MemoryDescriptor(shape, .f32, Tensor.plainTag(rank: shape.count)),
                  context: context)
    _ = memory.floats.initialize(from: scalars)
  }

  /// A plain tensor of zeros.
  public convenience init(zeros shape: [Int], context: ComputeContext) throws(DNNLError) {
    try self.init(MemoryDescriptor(shape, .f32, Tensor.plainTag(rank: shape.count)),
                  context: context)
    memory.floats.update(repeating: 0)
  }

  /// `base`'s storage under another name for the same layout (see `reordered(to:)`).
  private init(viewing base: Tensor, as descriptor: MemoryDescriptor) throws(DNNLError) {
    shape = base.shape
    byteCount = base.byteCount
    buffer = base.buffer
    self.base = base
    memory = try Memory(descriptor, engine: base.memory.engine, borrowing: buffer)
  }

  deinit {
    if base == nil { BufferPool.shared.give(buffer, byteCount: byteCount) }
  }

  public var descriptor: MemoryDescriptor { memory.descriptor }
  public var count: Int { shape.reduce(1, *) }
  public var isPlain: Bool { descriptor.isPlainRowMajor }

  /// The values in logical row-major (NCHW) order.
  public func scalars(context: ComputeContext) throws(DNNLError) -> [Float] {
    let plain = try reordered(to: descriptor.with(Tensor.plainTag(rank: shape.count)),
                              context: context)
    return Array(plain.memory.floats.prefix(count))
  }

  /// Calls `body` with the values as one row per sample (`count / shape[0]` values each, in the
  /// storage's own order within a row) when the layout allows it without a copy; returns nil
  /// otherwise. For order-free uses, such as Gram matrices of flattened maps.
  public func withSampleRows<R>(_ body: (UnsafePointer<Float>, _ width: Int) throws -> R)
    rethrows -> R?
  {
    guard descriptor.isSampleContiguous, let first = shape.first, first > 0 else { return nil }
    return try body(UnsafePointer(memory.floats.baseAddress!), count / first)
  }

  /// This tensor in layout `target`: itself when the layout already matches, a view of the same
  /// storage when `target` only names it differently (`nChw16c` with 16 channels is `nhwc`),
  /// else a copy.
  public func reordered(to target: MemoryDescriptor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    if target == descriptor { return self }
    if descriptor.sharesBytes(with: target) { return try Tensor(viewing: base ?? self, as: target) }
    let result = try Tensor(target, context: context)
    try context.reorder(memory, into: result.memory)
    return result
  }

  /// The plain row-major tag for a rank: `x`, `nc`, `nchw`.
  static func plainTag(rank: Int) -> FormatTag {
    switch rank {
    case 1: .x
    case 2: .nc
    case 4: .nchw
    default: preconditionFailure("tensors of rank \(rank) are not supported")
    }
  }
}
