import DNNL

/// y = x · s_c, one factor per channel (axis 1), on any layout: the backward of an eval-mode
/// batch norm, whose running statistics are constants (dx = dy·γ/√(σ² + ε)).
///
/// The factors are stored in x's own format (`[1, C, 1, 1]` as `nChw16c` for `nChw16c` maps):
/// with plain factors against a blocked x oneDNN 2.6 has no jit kernel and runs `ref:any`,
/// whose per-element offset arithmetic made this multiply the slowest op of a MEMO training
/// step (40 calls per step with 4 frozen ResNet-32 branches). (2.6 leaves a src1 of format
/// `any` unresolved, so the format is found here.)
public final class ChannelScale: @unchecked Sendable {
  private var primitives: [MemoryDescriptor: Primitive] = [:]
  /// The last call's factors in the primitive's layout: a frozen batch norm passes the same
  /// ones every step, so they are laid out once instead of reordered per call.
  private var laidOut: (scale: [Float], layout: MemoryDescriptor, factors: Tensor)?

  public init() {}

  public func forward(_ x: Tensor, scale: [Float], context: ComputeContext) throws(DNNLError)
    -> Tensor
  {
    precondition(x.shape.count >= 2 && scale.count == x.shape[1],
                 "channel scale of \(scale.count) factors for \(x.shape)")
    // [1, C, 1, …]: oneDNN broadcasts the factors over the other axes.
    let factorShape = [1, scale.count] + Array(repeating: 1, count: x.shape.count - 2)
    if primitives[x.descriptor] == nil {
      primitives[x.descriptor] = try Primitive(.binaryMultiply(
        src0: x.descriptor, src1: try Self.factorLayout(x.descriptor), dst: x.descriptor,
        engine: context.engine))
    }
    let primitive = primitives[x.descriptor]!
    let layout = primitive.descriptor.descriptor(for: .src1)
    let factors: Tensor
    if let laidOut, laidOut.layout == layout, laidOut.scale == scale {
      factors = laidOut.factors
    } else {
      factors = try Tensor(shape: factorShape, scalars: scale, context: context)
        .reordered(to: layout, context: context)
      laidOut = (scale, layout, factors)
    }
    let y = try Tensor(x.descriptor, context: context)
    try primitive.execute(context.stream, [(.src, x.memory), (.src1, factors.memory),
                                           (.dst, y.memory)])
    return y
  }

  /// oneDNN's kernel name for x's layout (e.g. `jit:uni`, not `ref:any`), for tests.
  public func kernel(for x: MemoryDescriptor, channels: Int, context: ComputeContext)
    throws(DNNLError) -> String
  {
    precondition(x.dims.count >= 2 && x.dims[1] == channels, "\(channels) factors for \(x)")
    return try Primitive(.binaryMultiply(src0: x, src1: try Self.factorLayout(x), dst: x,
                                         engine: context.engine)).descriptor.implementation
  }

  /// `[1, C, 1, …]` in the format of `x` when it is one of the activation formats, plain
  /// otherwise.
  static func factorLayout(_ x: MemoryDescriptor) throws(DNNLError) -> MemoryDescriptor {
    let shape = [1, x.dims[1]] + Array(repeating: 1, count: x.dims.count - 2)
    if x.dims.count == 4 {
      for tag in [FormatTag.nChw16c, .nChw8c, .nhwc] where try x.with(tag) == x {
        return try MemoryDescriptor(shape, .f32, tag)
      }
    }
    return try MemoryDescriptor(shape, .f32, x.dims.count == 2 ? .nc : .nchw)
  }
}
