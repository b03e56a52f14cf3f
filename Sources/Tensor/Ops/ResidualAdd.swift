import DNNL

/// y = a + b, optionally followed by a fused ReLU: the join of a residual block,
/// `relu(bn2(conv2(…)) + shortcut(x))`.
///
/// The gradient of a sum is the same for both inputs, so `backward` returns one tensor.
public final class ResidualAdd: @unchecked Sendable {
  public let fusesReLU: Bool
  private var forwards: [MemoryDescriptor: Primitive] = [:]
  private let relu = ReLU()

  public init(fusesReLU: Bool) { self.fusesReLU = fusesReLU }

  public func forward(_ a: Tensor, _ b: Tensor, context: ComputeContext) throws(DNNLError)
    -> Tensor
  {
    precondition(a.shape == b.shape, "residual add of \(a.shape) and \(b.shape)")
    if forwards[a.descriptor] == nil {
      var attributes: Attributes?
      if fusesReLU {
        attributes = try Attributes()
        try attributes!.setPostOps([.relu])
      }
      forwards[a.descriptor] = try Primitive(.binaryAdd(
        src0: a.descriptor, src1: a.descriptor, dst: a.descriptor, attributes: attributes,
        engine: context.engine))
    }
    let other = try b.reordered(to: a.descriptor, context: context)
    let y = try Tensor(a.descriptor, context: context)
    try forwards[a.descriptor]!.execute(context.stream, [(.src, a.memory), (.src1, other.memory),
                                                         (.dst, y.memory)])
    return y
  }

  /// dL/da = dL/db, given the forward output `y` (for the fused ReLU's mask).
  public func backward(_ dy: Tensor, output y: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    fusesReLU ? try relu.backward(dy, output: y, context: context) : dy
  }
}
