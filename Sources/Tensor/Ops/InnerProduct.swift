import DNNL

/// Inner product (a fully connected layer), y = x·Wᵀ + b, on plain [N, I] features with weights [O, I].
public final class InnerProduct: @unchecked Sendable {
  public let inFeatures: Int
  public let outFeatures: Int
  private var plans: [Int: Plan] = [:]

  private final class Plan {
    let forward: Primitive
    var backwardData: Primitive?
    var backwardWeights: Primitive?
    init(forward: Primitive) { self.forward = forward }
  }

  public init(inFeatures: Int, outFeatures: Int) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
  }

  private func descriptors(batch n: Int) throws(DNNLError)
    -> (src: MemoryDescriptor, weights: MemoryDescriptor, bias: MemoryDescriptor,
        dst: MemoryDescriptor)
  {
    (try MemoryDescriptor([n, inFeatures], .f32, .nc),
     try MemoryDescriptor([outFeatures, inFeatures], .f32, .nc),
     try MemoryDescriptor([outFeatures], .f32, .x),
     try MemoryDescriptor([n, outFeatures], .f32, .nc))
  }

  private func plan(batch n: Int, context: ComputeContext) throws(DNNLError) -> Plan {
    if let plan = plans[n] { return plan }
    let d = try descriptors(batch: n)
    let plan = Plan(forward: try Primitive(.innerProductForward(
      .forwardTraining, src: d.src, weights: d.weights, bias: d.bias, dst: d.dst,
      engine: context.engine)))
    plans[n] = plan
    return plan
  }

  public func forward(_ x: Tensor, weight: Tensor, bias: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    precondition(x.shape.count == 2 && x.shape[1] == inFeatures,
                 "linear expects [N, \(inFeatures)], got \(x.shape)")
    let n = x.shape[0]
    let primitive = try plan(batch: n, context: context).forward
    let src = try x.reordered(to: MemoryDescriptor([n, inFeatures], .f32, .nc), context: context)
    let y = try Tensor(MemoryDescriptor([n, outFeatures], .f32, .nc), context: context)
    try primitive.execute(context.stream, [(.src, src.memory), (.weights, weight.memory),
                                           (.bias, bias.memory), (.dst, y.memory)])
    return y
  }

  public func backwardData(_ dy: Tensor, weight: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let n = dy.shape[0]
    let plan = try plan(batch: n, context: context)
    let d = try descriptors(batch: n)
    if plan.backwardData == nil {
      plan.backwardData = try Primitive(.innerProductBackwardData(
        diffSrc: d.src, weights: d.weights, diffDst: d.dst, hint: plan.forward.descriptor,
        engine: context.engine))
    }
    let diffDst = try dy.reordered(to: d.dst, context: context)
    let dx = try Tensor(d.src, context: context)
    try plan.backwardData!.execute(context.stream, [(.diffDst, diffDst.memory),
                                                    (.weights, weight.memory),
                                                    (.diffSrc, dx.memory)])
    return dx
  }

  public func backwardWeights(_ x: Tensor, dy: Tensor, context: ComputeContext)
    throws(DNNLError) -> (dWeight: Tensor, dBias: Tensor)
  {
    let n = dy.shape[0]
    let plan = try plan(batch: n, context: context)
    let d = try descriptors(batch: n)
    if plan.backwardWeights == nil {
      plan.backwardWeights = try Primitive(.innerProductBackwardWeights(
        src: d.src, diffWeights: d.weights, diffBias: d.bias, diffDst: d.dst,
        hint: plan.forward.descriptor, engine: context.engine))
    }
    let src = try x.reordered(to: d.src, context: context)
    let diffDst = try dy.reordered(to: d.dst, context: context)
    let dWeight = try Tensor(d.weights, context: context)
    let dBias = try Tensor(d.bias, context: context)
    try plan.backwardWeights!.execute(context.stream, [(.src, src.memory),
                                                       (.diffDst, diffDst.memory),
                                                       (.diffWeights, dWeight.memory),
                                                       (.diffBias, dBias.memory)])
    return (dWeight, dBias)
  }
}
