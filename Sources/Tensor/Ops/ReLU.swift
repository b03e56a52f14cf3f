import DNNL

/// max(x, 0), on any layout. Backward from the input (a standalone ReLU) or from the output
/// (a ReLU that was fused into the previous op, whose input no longer exists).
public final class ReLU: @unchecked Sendable {
  private var forwards: [MemoryDescriptor: Primitive] = [:]
  private var backwards: [BackwardKey: Primitive] = [:]

  private struct BackwardKey: Hashable {
    let data: MemoryDescriptor
    let fromOutput: Bool
  }

  public init() {}

  public func forward(_ x: Tensor, context: ComputeContext) throws(DNNLError) -> Tensor {
    let primitive = try forwardPrimitive(x.descriptor, context: context)
    let y = try Tensor(x.descriptor, context: context)
    try primitive.execute(context.stream, [(.src, x.memory), (.dst, y.memory)])
    return y
  }

  /// dL/dx given the forward input `x`; zero where x ≤ 0.
  public func backward(_ dy: Tensor, input x: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    try backward(dy, data: x, fromOutput: false, context: context)
  }

  /// dL/dx given the forward output `y`; zero where y = 0 (the same mask as x ≤ 0).
  public func backward(_ dy: Tensor, output y: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    try backward(dy, data: y, fromOutput: true, context: context)
  }

  private func forwardPrimitive(_ data: MemoryDescriptor, fromOutput: Bool = false,
                                context: ComputeContext) throws(DNNLError) -> Primitive
  {
    if !fromOutput, let primitive = forwards[data] { return primitive }
    let primitive = try Primitive(.reluForward(.forwardTraining, data: data,
                                               fromOutput: fromOutput, engine: context.engine))
    if !fromOutput { forwards[data] = primitive }
    return primitive
  }

  private func backward(_ dy: Tensor, data: Tensor, fromOutput: Bool, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let key = BackwardKey(data: data.descriptor, fromOutput: fromOutput)
    if backwards[key] == nil {
      let hint = try forwardPrimitive(data.descriptor, fromOutput: fromOutput, context: context)
      backwards[key] = try Primitive(.reluBackward(
        diffData: data.descriptor, data: data.descriptor, fromOutput: fromOutput,
        hint: hint.descriptor, engine: context.engine))
    }
    let diffDst = try dy.reordered(to: data.descriptor, context: context)
    let dx = try Tensor(data.descriptor, context: context)
    try backwards[key]!.execute(context.stream, [(fromOutput ? .dst : .src, data.memory),
                                                 (.diffDst, diffDst.memory),
                                                 (.diffSrc, dx.memory)])
    return dx
  }
}
