import DNNL

/// y = x · s_c, one factor per channel (axis 1), on any layout: the backward of an eval-mode
/// batch norm, whose running statistics are constants (dx = dy·γ/√(σ² + ε)).
public final class ChannelScale: @unchecked Sendable {
  private var primitives: [MemoryDescriptor: Primitive] = [:]

  public init() {}

  public func forward(_ x: Tensor, scale: [Float], context: ComputeContext) throws(DNNLError)
    -> Tensor
  {
    precondition(x.shape.count >= 2 && scale.count == x.shape[1],
                 "channel scale of \(scale.count) factors for \(x.shape)")
    // [1, C, 1, …]: oneDNN broadcasts the factors over the other axes.
    let factorShape = [1, scale.count] + Array(repeating: 1, count: x.shape.count - 2)
    let factors = try Tensor(shape: factorShape, scalars: scale, context: context)
    if primitives[x.descriptor] == nil {
      primitives[x.descriptor] = try Primitive(.binaryMultiply(
        src0: x.descriptor, src1: factors.descriptor, dst: x.descriptor, engine: context.engine))
    }
    let y = try Tensor(x.descriptor, context: context)
    try primitives[x.descriptor]!.execute(context.stream, [(.src, x.memory),
                                                           (.src1, factors.memory),
                                                           (.dst, y.memory)])
    return y
  }
}
