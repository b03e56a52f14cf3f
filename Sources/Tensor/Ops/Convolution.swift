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

  /// Primitives for one input shape; each pass picks its own algorithm.
  final class Plan {
    let forward: Primitive
    /// What the forward got (Winograd may have fallen back to direct).
    let forwardAlgorithm: ConvolutionAlgorithm
    var backwardData: Primitive?
    var backwardWeights: Primitive?
    /// The passes that run channels-last (`activationLayout`), whose results are renamed.
    var channelsLast: Set<ConvolutionPass> = []
    init(forward: Primitive, forwardAlgorithm: ConvolutionAlgorithm) {
      self.forward = forward
      self.forwardAlgorithm = forwardAlgorithm
    }
  }

  /// The algorithms to try for `pass`, best first: the policy's choice, then direct.
  private func algorithms(_ pass: ConvolutionPass, _ context: ComputeContext)
    -> [ConvolutionAlgorithm]
  {
    let first = context.convolutionPolicy.algorithm(
      pass, kernel: kernel, stride: stride, inChannels: inChannels, outChannels: outChannels,
      thresholds: context.winogradThresholds)
    return first == .direct ? [.direct] : [first, .direct]
  }

  /// The activation layout `pass` asks for with `algorithm` (`ConvolutionPolicy`); channels-last
  /// only where the blocked layout of the neighbouring layers is the same bytes (AVX-512).
  private func activationLayout(_ pass: ConvolutionPass, _ algorithm: ConvolutionAlgorithm,
                                _ context: ComputeContext) -> FormatTag
  {
    guard LibraryVersion.hasAVX512Core else { return .any }
    return context.convolutionPolicy.activationLayout(
      pass, algorithm: algorithm, kernel: kernel, stride: stride, inChannels: inChannels,
      outChannels: outChannels, thresholds: context.winogradThresholds)
  }

  /// The result of a channels-last pass under the blocked name the next layers use on AVX-512
  /// (the same bytes: a view), so that batch norm keeps its blocked kernels.
  private func blockedName(_ y: Tensor, _ pass: ConvolutionPass, _ plan: Plan,
                           context: ComputeContext) throws(DNNLError) -> Tensor
  {
    guard plan.channelsLast.contains(pass) else { return y }
    return try y.reordered(to: y.descriptor.with(.nChw16c), context: context)
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
  private var fusedPlans: [FusedKey: FusedPlan] = [:]

  /// Folded inference: the convolution, and where the residual joins in a pass of its own, the
  /// binary add (with the ReLU) that does it.
  private struct FusedPlan {
    let convolution: Primitive
    let join: Primitive?
  }

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
    let (pd, algorithm) = try firstImplemented(algorithms(.forward, context)) {
      algorithm throws(DNNLError) in
      let layout = activationLayout(.forward, algorithm, context)
      return try PrimitiveDescriptor.convolutionForward(
        training ? .forwardTraining : .forwardInference,
        src: MemoryDescriptor(shape, .f32, layout),
        weights: MemoryDescriptor(weightShape, .f32, .any),
        dst: MemoryDescriptor(outputShape(shape), .f32, layout),
        geometry: geometry, algorithm: algorithm, engine: context.engine)
    }
    let plan = Plan(forward: try Primitive(pd), forwardAlgorithm: algorithm)
    if activationLayout(.forward, algorithm, context) == .nhwc { plan.channelsLast.insert(.forward) }
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
  /// kernels on AVX-512). The residual joins through a `sum` post-op (oneDNN 2.6's fast kernels
  /// take no same-shape binary post-op), so the output buffer must hold it first: with
  /// `overwritingResidual` (the caller never reads the residual again) and matching layouts the
  /// residual's own buffer is the output, otherwise it is copied into a new one. Winograd
  /// kernels apply a `sum` in a slow pass of their own (2.43 ms against 1.78 ms without, 32
  /// channels on 16×16 at batch 128, AMD EPYC): there a binary add with the ReLU joins instead.
  public func fusedInference(_ x: Tensor, weight: Tensor, bias: Tensor, residual: Tensor?,
                             overwritingResidual: Bool = false, relu: Bool,
                             context: ComputeContext) throws(DNNLError) -> Tensor
  {
    let plan = try fusedPlan(x.shape, residual: residual != nil, relu: relu, context: context)
    let pd = plan.convolution.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let layout = pd.descriptor(for: .dst)
    let reusesResidual = overwritingResidual && residual?.descriptor == layout
    let arguments = { (y: Tensor) -> [(Argument, Memory)] in
      [(.src, src.memory), (.weights, w.memory), (.bias, bias.memory), (.dst, y.memory)]
    }
    if let join = plan.join, let residual {
      let sum = try Tensor(layout, context: context)
      try plan.convolution.execute(context.stream, arguments(sum))
      let shortcut = try residual.reordered(to: layout, context: context)
      let y = reusesResidual ? residual : try Tensor(layout, context: context)
      try join.execute(context.stream, [(.src, shortcut.memory), (.src1, sum.memory),
                                        (.dst, y.memory)])
      return y
    }
    let y: Tensor
    if let residual, reusesResidual {
      y = residual
    } else {
      y = try Tensor(layout, context: context)
      if let residual { try context.reorder(residual.memory, into: y.memory) }
    }
    try plan.convolution.execute(context.stream, arguments(y))
    return y
  }

  /// The weights layout `fusedInference` wants.
  public func fusedWeightsLayout(_ shape: [Int], residual: Bool, relu: Bool,
                                 context: ComputeContext) throws(DNNLError) -> MemoryDescriptor
  {
    try fusedPlan(shape, residual: residual, relu: relu, context: context)
      .convolution.descriptor.descriptor(for: .weights)
  }

  private func fusedPlan(_ shape: [Int], residual: Bool, relu: Bool,
                         context: ComputeContext) throws(DNNLError) -> FusedPlan
  {
    let key = FusedKey(shape: shape, residual: residual, relu: relu)
    if let plan = fusedPlans[key] { return plan }
    let (pd, algorithm) = try firstImplemented(algorithms(.foldedInference, context)) {
      algorithm throws(DNNLError) in
      let joinsApart = residual && algorithm == .winograd
      let attributes = try Attributes()
      try attributes.setPostOps(joinsApart ? [] : (residual ? [.sum(scale: 1)] : [])
                                  + (relu ? [.relu] : []))
      return try PrimitiveDescriptor.convolutionForward(
        .forwardInference, src: MemoryDescriptor(shape, .f32, .any),
        weights: MemoryDescriptor(weightShape, .f32, .any),
        bias: MemoryDescriptor([outChannels], .f32, .x),
        dst: MemoryDescriptor(outputShape(shape), .f32, .any), geometry: geometry,
        attributes: attributes, algorithm: algorithm, engine: context.engine)
    }
    var join: Primitive?
    if residual && algorithm == .winograd {
      let attributes = try Attributes()
      try attributes.setPostOps(relu ? [.relu] : [])
      let layout = pd.descriptor(for: .dst)
      join = try Primitive(.binaryAdd(src0: layout, src1: layout, dst: layout,
                                      attributes: attributes, engine: context.engine))
    }
    let plan = FusedPlan(convolution: try Primitive(pd), join: join)
    fusedPlans[key] = plan
    return plan
  }

  /// The weights layout backward data wants.
  public func backwardDataWeightsLayout(_ shape: [Int], context: ComputeContext)
    throws(DNNLError) -> MemoryDescriptor
  {
    try backwardPrimitive(shape, .backwardData, context: context).descriptor
      .descriptor(for: .weights)
  }

  /// y = conv(x, weight). `weight` may be in any layout (its plain master copy, typically).
  public func forward(_ x: Tensor, weight: Tensor, training: Bool, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let plan = try plan(x.shape, training: training, context: context)
    let primitive = plan.forward
    let pd = primitive.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let y = try Tensor(pd.descriptor(for: .dst), context: context)
    try primitive.execute(context.stream, [(.src, src.memory), (.weights, w.memory),
                                           (.dst, y.memory)])
    return try blockedName(y, .forward, plan, context: context)
  }

  /// dL/dx for the forward of an input of shape `inputShape`.
  public func backwardData(inputShape: [Int], dy: Tensor, weight: Tensor,
                           context: ComputeContext) throws(DNNLError) -> Tensor
  {
    let primitive = try backwardPrimitive(inputShape, .backwardData, context: context)
    let pd = primitive.descriptor
    let diffDst = try dy.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let w = try weight.reordered(to: pd.descriptor(for: .weights), context: context)
    let dx = try Tensor(pd.descriptor(for: .diffSrc), context: context)
    try primitive.execute(context.stream, [(.diffDst, diffDst.memory), (.weights, w.memory),
                                           (.diffSrc, dx.memory)])
    return try blockedName(dx, .backwardData,
                           try plan(inputShape, training: true, context: context), context: context)
  }

  /// The plan's backward primitive for `pass`, built on first use, with the forward's
  /// descriptor as oneDNN's hint.
  private func backwardPrimitive(_ inputShape: [Int], _ pass: ConvolutionPass,
                                 context: ComputeContext) throws(DNNLError) -> Primitive
  {
    precondition(pass != .forward, "the forward primitive is the plan's")
    let plan = try plan(inputShape, training: true, context: context)
    let slot: ReferenceWritableKeyPath<Plan, Primitive?> =
      pass == .backwardData ? \.backwardData : \.backwardWeights
    if let primitive = plan[keyPath: slot] { return primitive }
    // `winograd` follows the forward's algorithm, as it did before `auto`, so that results
    // recorded under it reproduce.
    let algorithms = context.convolutionPolicy == .winograd
      ? (plan.forwardAlgorithm == .winograd ? [.winograd, .direct] : [.direct])
      : algorithms(pass, context)
    let weights = try MemoryDescriptor(weightShape, .f32, .any)
    let hint = plan.forward.descriptor
    let (pd, algorithm) = try firstImplemented(algorithms) { algorithm throws(DNNLError) in
      let layout = activationLayout(pass, algorithm, context)
      let input = try MemoryDescriptor(inputShape, .f32, layout)
      let output = try MemoryDescriptor(outputShape(inputShape), .f32, layout)
      return pass == .backwardData
        ? try .convolutionBackwardData(diffSrc: input, weights: weights, diffDst: output,
                                       geometry: geometry, hint: hint, algorithm: algorithm,
                                       engine: context.engine)
        : try .convolutionBackwardWeights(src: input, diffWeights: weights, diffDst: output,
                                          geometry: geometry, hint: hint,
                                          algorithm: algorithm, engine: context.engine)
    }
    let primitive = try Primitive(pd)
    plan[keyPath: slot] = primitive
    if activationLayout(pass, algorithm, context) == .nhwc { plan.channelsLast.insert(pass) }
    return primitive
  }

  /// dL/dweight in the layout oneDNN computed it in; reorder or `accumulate` it into a master.
  public func backwardWeights(_ x: Tensor, dy: Tensor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    let primitive = try backwardPrimitive(x.shape, .backwardWeights, context: context)
    let pd = primitive.descriptor
    let src = try x.reordered(to: pd.descriptor(for: .src), context: context)
    let diffDst = try dy.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let dw = try Tensor(pd.descriptor(for: .diffWeights), context: context)
    try primitive.execute(context.stream, [(.src, src.memory), (.diffDst, diffDst.memory),
                                           (.diffWeights, dw.memory)])
    return dw
  }

  /// oneDNN's kernel names (e.g. `jit_wino_4x3:avx512_core`) for training's three passes on
  /// inputs of `shape`, for benchmarks and tests.
  public func trainingKernels(_ shape: [Int], context: ComputeContext) throws(DNNLError)
    -> [ConvolutionPass: String]
  {
    let backward = { (pass: ConvolutionPass) throws(DNNLError) in
      try self.backwardPrimitive(shape, pass, context: context).descriptor.implementation
    }
    return [.forward: try plan(shape, training: true, context: context).forward.descriptor
              .implementation,
            .backwardData: try backward(.backwardData),
            .backwardWeights: try backward(.backwardWeights)]
  }

  /// oneDNN's kernel name for inference with folded batch norm on inputs of `shape`.
  public func fusedInferenceKernel(_ shape: [Int], residual: Bool, relu: Bool,
                                   context: ComputeContext) throws(DNNLError) -> String
  {
    try fusedPlan(shape, residual: residual, relu: relu, context: context)
      .convolution.descriptor.implementation
  }
}
