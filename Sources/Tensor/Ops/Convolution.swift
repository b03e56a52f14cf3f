import DNNL

/// 2-D convolution without bias (every convolution of a ResNet is followed by batch norm).
///
/// The op is functional: callers keep the input for the backward pass. It builds oneDNN
/// primitives once per input shape and propagation kind and reuses them; layouts are `any`, so
/// activations come out blocked and weights are reordered from their plain `oihw` master copy.
public final class Convolution: @unchecked Sendable {
  public let inChannels: Int
  public let outChannels: Int
  public let kernel: Int
  public let stride: Int
  public let padding: Int
  let geometry: Geometry2D

  public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    geometry = Geometry2D(kernel: kernel, stride: stride, padding: padding)
  }

  public var weightShape: [Int] { [outChannels, inChannels, kernel, kernel] }

  public func outputShape(_ input: [Int]) -> [Int] {
    precondition(input.count == 4 && input[1] == inChannels,
                 "convolution expects [N, \(inChannels), H, W], got \(input)")
    let size = { (n: Int) in (n + 2 * self.padding - self.kernel) / self.stride + 1 }
    return [input[0], outChannels, size(input[2]), size(input[3])]
  }

  /// Primitives for one input shape. The backward passes try the forward's algorithm first.
  final class Plan {
    let forward: Primitive
    let algorithm: ConvolutionAlgorithm
    var backwardData: Primitive?
    var backwardWeights: Primitive?
    init(forward: Primitive, algorithm: ConvolutionAlgorithm) {
      self.forward = forward
      self.algorithm = algorithm
    }
  }

  /// The algorithms to try, best first. oneDNN's Winograd covers only 3×3 stride-1 kernels; it
  /// trains ResNet-32 about 1.3× faster on AVX-512 (README, Performance).
  private func algorithms(preferring first: ConvolutionAlgorithm) -> [ConvolutionAlgorithm] {
    first == .winograd && kernel == 3 && stride == 1 ? [.winograd, .direct] : [.direct]
  }

  /// The first of `algorithms` oneDNN implements here; other errors are thrown as they are.
  private func firstImplemented(
    _ algorithms: [ConvolutionAlgorithm],
    _ make: (ConvolutionAlgorithm) throws(DNNLError) -> PrimitiveDescriptor
  ) throws(DNNLError) -> (PrimitiveDescriptor, ConvolutionAlgorithm) {
    for algorithm in algorithms.dropLast() {
      do { return (try make(algorithm), algorithm) } catch where error.status == "unimplemented" {}
    }
    return (try make(algorithms.last!), algorithms.last!)
  }

  private var plans: [PlanKey: Plan] = [:]
  private var fusedPlans: [FusedKey: Primitive] = [:]

  private struct FusedKey: Hashable {
    let shape: [Int]
    let residual: Bool
    let relu: Bool
  }

  private struct PlanKey: Hashable {
    let shape: [Int]
    let training: Bool
  }

  private func plan(_ shape: [Int], training: Bool, context: ComputeContext) throws(DNNLError)
    -> Plan
  {
    let key = PlanKey(shape: shape, training: training)
    if let plan = plans[key] { return plan }
    let (pd, algorithm) = try firstImplemented(algorithms(preferring: context.preferredConvolution))
    { algorithm throws(DNNLError) in
      try PrimitiveDescriptor.convolutionForward(
        training ? .forwardTraining : .forwardInference,
        src: MemoryDescriptor(shape, .f32, .any),
        weights: MemoryDescriptor(weightShape, .f32, .any),
        dst: MemoryDescriptor(outputShape(shape), .f32, .any),
        geometry: geometry, algorithm: algorithm, engine: context.engine)
    }
    let plan = Plan(forward: try Primitive(pd), algorithm: algorithm)
    plans[key] = plan
    return plan
  }

  /// The weights layout the forward for inputs of `shape` wants (so callers can cache a copy).
  public func forwardWeightsLayout(_ shape: [Int], training: Bool, context: ComputeContext)
    throws(DNNLError) -> MemoryDescriptor
  {
    try plan(shape, training: training, context: context).forward.descriptor.descriptor(for: .weights)
  }

  /// Inference with bias and a fused epilogue, y = [relu](conv(x) + bias [+ residual]): a
  /// convolution with batch norm folded in, joined to its block's shortcut in the same pass.
  /// The output takes the layout oneDNN prefers for this convolution (`nhwc` for its brgemm
  /// kernels on AVX-512). The residual joins through a `sum` post-op: it is copied into the
  /// output buffer first (oneDNN 2.6's fast kernels take no same-shape binary post-op).
  public func fusedInference(_ x: Tensor, weight: Tensor, bias: Tensor, residual: Tensor?,
                             relu: Bool, context: ComputeContext) throws(DNNLError) -> Tensor
  {
    let primitive = try fusedPrimitive(x.shape, residual: residual != nil, relu: relu,
                                       context: context)
    let pd = primitive.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let y = try Tensor(pd.descriptor(for: .dst), context: context)
    if let residual { try context.reorder(residual.memory, into: y.memory) }
    try primitive.execute(context.stream, [(.src, src.memory), (.weights, w.memory),
                                           (.bias, bias.memory), (.dst, y.memory)])
    return y
  }

  /// The weights layout `fusedInference` wants.
  public func fusedWeightsLayout(_ shape: [Int], residual: Bool, relu: Bool,
                                 context: ComputeContext) throws(DNNLError) -> MemoryDescriptor
  {
    try fusedPrimitive(shape, residual: residual, relu: relu, context: context)
      .descriptor.descriptor(for: .weights)
  }

  private func fusedPrimitive(_ shape: [Int], residual: Bool, relu: Bool,
                              context: ComputeContext) throws(DNNLError) -> Primitive
  {
    let key = FusedKey(shape: shape, residual: residual, relu: relu)
    if let primitive = fusedPlans[key] { return primitive }
    // Direct even where Winograd exists: with the folded bias and post-ops it was 2–12% slower
    // in alternating runs (`strata bench engine --compare-convolutions`).
    let attributes = try Attributes()
    try attributes.setPostOps((residual ? [.sum(scale: 1)] : []) + (relu ? [.relu] : []))
    let pd = try PrimitiveDescriptor.convolutionForward(
      .forwardInference, src: MemoryDescriptor(shape, .f32, .any),
      weights: MemoryDescriptor(weightShape, .f32, .any),
      bias: MemoryDescriptor([outChannels], .f32, .x),
      dst: MemoryDescriptor(outputShape(shape), .f32, .any), geometry: geometry,
      attributes: attributes, engine: context.engine)
    let primitive = try Primitive(pd)
    fusedPlans[key] = primitive
    return primitive
  }

  /// The weights layout backward data wants.
  public func backwardDataWeightsLayout(_ shape: [Int], context: ComputeContext)
    throws(DNNLError) -> MemoryDescriptor
  {
    try backwardDataPrimitive(shape, context: context).descriptor.descriptor(for: .weights)
  }

  /// y = conv(x, weight). `weight` may be in any layout (its plain master copy, typically).
  public func forward(_ x: Tensor, weight: Tensor, training: Bool, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let primitive = try plan(x.shape, training: training, context: context).forward
    let pd = primitive.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let y = try Tensor(pd.descriptor(for: .dst), context: context)
    try primitive.execute(context.stream, [(.src, src.memory), (.weights, w.memory),
                                           (.dst, y.memory)])
    return y
  }

  /// dL/dx for the forward of an input of shape `inputShape`.
  public func backwardData(inputShape: [Int], dy: Tensor, weight: Tensor,
                           context: ComputeContext) throws(DNNLError) -> Tensor
  {
    let primitive = try backwardDataPrimitive(inputShape, context: context)
    let pd = primitive.descriptor
    let diffDst = try dy.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let dx = try Tensor(pd.descriptor(for: .diffSrc), context: context)
    try primitive.execute(context.stream, [(.diffDst, diffDst.memory), (.weights, w.memory),
                                           (.diffSrc, dx.memory)])
    return dx
  }

  private func backwardDataPrimitive(_ inputShape: [Int], context: ComputeContext)
    throws(DNNLError) -> Primitive
  {
    try backwardPrimitive(inputShape, \.backwardData, context: context) {
      algorithm, hint throws(DNNLError) in
      try PrimitiveDescriptor.convolutionBackwardData(
        diffSrc: MemoryDescriptor(inputShape, .f32, .any),
        weights: MemoryDescriptor(weightShape, .f32, .any),
        diffDst: MemoryDescriptor(outputShape(inputShape), .f32, .any),
        geometry: geometry, hint: hint, algorithm: algorithm, engine: context.engine)
    }
  }

  /// The plan's backward primitive in `slot`, built on first use: the forward's algorithm
  /// first, the forward's descriptor as oneDNN's hint.
  private func backwardPrimitive(
    _ inputShape: [Int], _ slot: ReferenceWritableKeyPath<Plan, Primitive?>,
    context: ComputeContext,
    _ make: (ConvolutionAlgorithm, PrimitiveDescriptor) throws(DNNLError) -> PrimitiveDescriptor
  ) throws(DNNLError) -> Primitive {
    let plan = try plan(inputShape, training: true, context: context)
    if let primitive = plan[keyPath: slot] { return primitive }
    let (pd, _) = try firstImplemented(algorithms(preferring: plan.algorithm)) {
      algorithm throws(DNNLError) in try make(algorithm, plan.forward.descriptor)
    }
    let primitive = try Primitive(pd)
    plan[keyPath: slot] = primitive
    return primitive
  }

  /// dL/dweight in the layout oneDNN computed it in; reorder or `accumulate` it into a master.
  public func backwardWeights(_ x: Tensor, dy: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let primitive = try backwardWeightsPrimitive(x.shape, context: context)
    let pd = primitive.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let diffDst = try dy.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let dw = try Tensor(pd.descriptor(for: .diffWeights), context: context)
    try primitive.execute(context.stream, [(.src, src.memory), (.diffDst, diffDst.memory),
                                           (.diffWeights, dw.memory)])
    return dw
  }

  private func backwardWeightsPrimitive(_ inputShape: [Int], context: ComputeContext)
    throws(DNNLError) -> Primitive
  {
    try backwardPrimitive(inputShape, \.backwardWeights, context: context) {
      algorithm, hint throws(DNNLError) in
      try PrimitiveDescriptor.convolutionBackwardWeights(
        src: MemoryDescriptor(inputShape, .f32, .any),
        diffWeights: MemoryDescriptor(weightShape, .f32, .any),
        diffDst: MemoryDescriptor(outputShape(inputShape), .f32, .any),
        geometry: geometry, hint: hint, algorithm: algorithm, engine: context.engine)
    }
  }

  /// What training on inputs of `shape` runs: the forward's algorithm and oneDNN's kernel names
  /// for the three passes (e.g. `jit_wino_4x3:avx512_core`), for benchmarks and tests.
  public func trainingKernels(_ shape: [Int], context: ComputeContext) throws(DNNLError)
    -> (algorithm: ConvolutionAlgorithm, forward: String, backwardData: String,
        backwardWeights: String)
  {
    let plan = try plan(shape, training: true, context: context)
    return (plan.algorithm, plan.forward.descriptor.implementation,
            try backwardDataPrimitive(shape, context: context).descriptor.implementation,
            try backwardWeightsPrimitive(shape, context: context).descriptor.implementation)
  }
}
