import CDNNL

/// Propagation kinds of oneDNN's forward and backward primitives.
public enum PropagationKind: Sendable {
  case forwardTraining, forwardInference, backward, backwardData, backwardWeights

  var raw: dnnl_prop_kind_t {
    switch self {
    case .forwardTraining: dnnl_forward_training
    case .forwardInference: dnnl_forward_inference
    case .backward: dnnl_backward
    case .backwardData: dnnl_backward_data
    case .backwardWeights: dnnl_backward_weights
    }
  }
}

/// A primitive descriptor: an operation bound to an engine with the layouts and implementation
/// oneDNN chose. Query it for the layouts of its arguments.
public final class PrimitiveDescriptor: @unchecked Sendable {
  let handle: dnnl_primitive_desc_t
  public let engine: Engine
  /// What this descriptor is for, e.g. `convolution forward, src 128x16x32x32 …`; named in errors.
  public let label: String
  /// The implementation oneDNN picked, e.g. `jit:avx2`; useful when a benchmark surprises.
  public var implementation: String {
    var name: UnsafePointer<CChar>?
    _ = dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name)
    return name.map { String(cString: $0) } ?? "?"
  }

  /// The scratchpad the primitive needs and its size, or nil when it needs none; fixed with the
  /// descriptor, so read once rather than at every execution.
  let scratchpad: (layout: MemoryDescriptor, bytes: Int)?

  init(handle: dnnl_primitive_desc_t, engine: Engine, label: String) {
    self.handle = handle
    self.engine = engine
    self.label = label
    let layout = dnnl_primitive_desc_query_md(handle, dnnl_query_scratchpad_md, 0)
      .map { MemoryDescriptor(raw: $0.pointee) }
    scratchpad = layout.flatMap { $0.isZero || $0.byteCount == 0 ? nil : ($0, $0.byteCount) }
  }

  /// Creates the descriptor for an operation descriptor (`dnnl_*_desc_t`) at `operation`.
  static func create(_ operation: UnsafeRawPointer, attributes: Attributes?, engine: Engine,
                     hint: PrimitiveDescriptor?, _ call: StaticString, _ context: String)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    var pd: dnnl_primitive_desc_t?
    let attr: Attributes
    if let attributes { attr = attributes } else { attr = try Attributes() }
    try check(dnnl_primitive_desc_create(&pd, operation, attr.handle, engine.handle,
                                         hint?.handle), call, context)
    return PrimitiveDescriptor(handle: pd!, engine: engine, label: context)
  }

  /// The layout of one execution argument; `.zero` when the primitive does not take it.
  public func descriptor(for argument: Argument) -> MemoryDescriptor {
    guard let md = dnnl_primitive_desc_query_md(handle, dnnl_query_exec_arg_md, argument.raw)
    else { return .zero }
    return MemoryDescriptor(raw: md.pointee)
  }

  deinit { dnnl_primitive_desc_destroy(handle) }
}

/// An executable primitive. Creating one compiles its JIT kernel, so callers keep them.
public final class Primitive: @unchecked Sendable {
  let handle: dnnl_primitive_t
  public let descriptor: PrimitiveDescriptor

  public init(_ descriptor: PrimitiveDescriptor) throws(DNNLError) {
    var primitive: dnnl_primitive_t?
    try check(dnnl_primitive_create(&primitive, descriptor.handle), "dnnl_primitive_create",
              "\(descriptor.label), \(descriptor.implementation)")
    handle = primitive!
    self.descriptor = descriptor
  }

  /// Runs the primitive on `stream` with the given arguments and waits for it. Its scratchpad
  /// is the calling thread's (`Scratchpad`), so primitives may run on several threads at once.
  public func execute(_ stream: Stream, _ arguments: [(Argument, Memory)]) throws(DNNLError) {
    var args = arguments.map { dnnl_exec_arg_t(arg: $0.0.raw, memory: $0.1.handle) }
    var scratch: Memory?
    if let (layout, bytes) = descriptor.scratchpad {
      scratch = try Memory(layout, engine: descriptor.engine,
                           borrowing: Scratchpad.forThisThread(bytes: bytes))
      args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratch!.handle))
    }
    try check(dnnl_primitive_execute(handle, stream.handle, Int32(args.count), &args),
              "dnnl_primitive_execute", "\(descriptor.label), \(descriptor.implementation)")
    withExtendedLifetime(scratch) {}
  }

  deinit { dnnl_primitive_destroy(handle) }
}

/// Primitive attributes: post-ops fused into the primitive (ReLU, sum for a residual add).
public final class Attributes: @unchecked Sendable {
  let handle: dnnl_primitive_attr_t

  /// Every primitive's scratchpad is the caller's (`Primitive.execute` passes the thread's): in
  /// oneDNN's default library mode all primitives share one global scratchpad, which is unsafe
  /// when primitives run on several threads at once (parallel tests got wrong results).
  public init() throws(DNNLError) {
    var attr: dnnl_primitive_attr_t?
    try check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
    handle = attr!
    try check(dnnl_primitive_attr_set_scratchpad_mode(handle, dnnl_scratchpad_mode_user),
              "dnnl_primitive_attr_set_scratchpad_mode")
  }

  /// Fuses `dst = relu(dst)` (and/or `dst += old dst` first, for `.sum`) after the operation.
  public func setPostOps(_ ops: [PostOp]) throws(DNNLError) {
    var postOps: dnnl_post_ops_t?
    try check(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
    defer { dnnl_post_ops_destroy(postOps) }
    for op in ops {
      switch op {
      case .sum(let scale):
        try check(dnnl_post_ops_append_sum(postOps, scale), "dnnl_post_ops_append_sum")
      case .relu:
        try check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0),
                  "dnnl_post_ops_append_eltwise")
      case .add(let other):
        var md = other.raw
        try check(dnnl_post_ops_append_binary(postOps, dnnl_binary_add, &md),
                  "dnnl_post_ops_append_binary", "add \(other)")
      }
    }
    try check(dnnl_primitive_attr_set_post_ops(handle, postOps), "dnnl_primitive_attr_set_post_ops")
  }

  deinit { dnnl_primitive_attr_destroy(handle) }
}

public enum PostOp: Sendable {
  /// dst += scale · (dst's previous contents).
  case sum(scale: Float)
  case relu
  /// dst += a second tensor of this layout, passed as `Argument.postOpSource(index)`.
  case add(MemoryDescriptor)
}
