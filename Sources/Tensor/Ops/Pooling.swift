import DNNL

/// Max pooling with -∞ padding (the 3×3/2 pool after an ImageNet stem).
public final class MaxPooling: @unchecked Sendable {
  public let kernel: Int
  public let stride: Int
  public let padding: Int
  private var plans: [MemoryDescriptor: (forward: Primitive, backward: Primitive?)] = [:]

  public init(kernel: Int, stride: Int, padding: Int) {
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  public func outputShape(_ input: [Int]) -> [Int] {
    let size = { (n: Int) in (n + 2 * self.padding - self.kernel) / self.stride + 1 }
    return [input[0], input[1], size(input[2]), size(input[3])]
  }

  var geometry: Geometry2D { Geometry2D(kernel: kernel, stride: stride, padding: padding) }

  /// The output and the workspace (argmax positions) that `backward` needs.
  public func forward(_ x: Tensor, context: ComputeContext) throws(DNNLError)
    -> (y: Tensor, workspace: Tensor)
  {
    if plans[x.descriptor] == nil {
      let pd = try PrimitiveDescriptor.poolingForward(
        .forwardTraining, .max, src: x.descriptor,
        dst: MemoryDescriptor(outputShape(x.shape), .f32, .any), geometry: geometry,
        engine: context.engine)
      plans[x.descriptor] = (try Primitive(pd), nil)
    }
    let primitive = plans[x.descriptor]!.forward
    let pd = primitive.descriptor
    let y = try Tensor(pd.descriptor(for: .dst), context: context)
    let workspace = try Tensor(pd.descriptor(for: .workspace), context: context)
    try primitive.execute(context.stream, [(.src, x.memory), (.dst, y.memory),
                                           (.workspace, workspace.memory)])
    return (y, workspace)
  }

  public func backward(_ dy: Tensor, input x: MemoryDescriptor, workspace: Tensor,
                       context: ComputeContext) throws(DNNLError) -> Tensor
  {
    guard let plan = plans[x] else { preconditionFailure("max pooling backward before forward") }
    if plan.backward == nil {
      let pd = try PrimitiveDescriptor.poolingBackward(
        .max, diffSrc: x, diffDst: plan.forward.descriptor.descriptor(for: .dst),
        geometry: geometry, hint: plan.forward.descriptor, engine: context.engine)
      plans[x] = (plan.forward, try Primitive(pd))
    }
    let primitive = plans[x]!.backward!
    let pd = primitive.descriptor
    let diffDst = try dy.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let dx = try Tensor(pd.descriptor(for: .diffSrc), context: context)
    try primitive.execute(context.stream, [(.diffDst, diffDst.memory),
                                           (.workspace, workspace.memory),
                                           (.diffSrc, dx.memory)])
    return dx
  }
}

/// Global average pooling: [N, C, H, W] → [N, C] (plain), the feature vector of a backbone.
public final class GlobalAveragePooling: @unchecked Sendable {
  private var plans: [MemoryDescriptor: (forward: Primitive, backward: Primitive?)] = [:]

  public init() {}

  private func geometry(_ shape: [Int]) -> Geometry2D {
    var g = Geometry2D(kernel: 1, stride: 1, padding: 0)
    g.kernel = [shape[2], shape[3]]
    return g
  }

  public func forward(_ x: Tensor, context: ComputeContext) throws(DNNLError) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1])
    if plans[x.descriptor] == nil {
      let pd = try PrimitiveDescriptor.poolingForward(
        .forwardTraining, .averageExcludingPadding, src: x.descriptor,
        dst: MemoryDescriptor([n, c, 1, 1], .f32, .any), geometry: geometry(x.shape),
        engine: context.engine)
      plans[x.descriptor] = (try Primitive(pd), nil)
    }
    let primitive = plans[x.descriptor]!.forward
    let pooled = try Tensor(primitive.descriptor.descriptor(for: .dst), context: context)
    try primitive.execute(context.stream, [(.src, x.memory), (.dst, pooled.memory)])
    let plain = try pooled.reordered(to: MemoryDescriptor([n, c, 1, 1], .f32, .nchw),
                                     context: context)
    return try Tensor(shape: [n, c], copying: plain, context: context)
  }

  public func backward(_ dy: Tensor, input x: MemoryDescriptor, context: ComputeContext)
    throws(DNNLError) -> Tensor
  {
    guard let plan = plans[x] else { preconditionFailure("pooling backward before forward") }
    let shape = x.dims
    if plan.backward == nil {
      let pd = try PrimitiveDescriptor.poolingBackward(
        .averageExcludingPadding, diffSrc: x,
        diffDst: plan.forward.descriptor.descriptor(for: .dst), geometry: geometry(shape),
        hint: plan.forward.descriptor, engine: context.engine)
      plans[x] = (plan.forward, try Primitive(pd))
    }
    let primitive = plans[x]!.backward!
    let pd = primitive.descriptor
    let plainDy = try dy.reordered(to: MemoryDescriptor(dy.shape, .f32, .nc), context: context)
    let asMap = try Tensor(shape: [shape[0], shape[1], 1, 1], copying: plainDy, context: context)
    let diffDst = try asMap.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let dx = try Tensor(pd.descriptor(for: .diffSrc), context: context)
    try primitive.execute(context.stream, [(.diffDst, diffDst.memory), (.diffSrc, dx.memory)])
    return dx
  }
}

extension Tensor {
  /// A plain tensor of `shape` holding the plain values of `source` (a reshape by copy).
  convenience init(shape: [Int], copying source: Tensor, context: ComputeContext)
    throws(DNNLError)
  {
    precondition(source.isPlain && source.count == shape.reduce(1, *), "reshape of \(source.shape)")
    try self.init(MemoryDescriptor(shape, .f32, Tensor.plainTag(rank: shape.count)),
                  context: context)
    memory.floats.baseAddress!.update(from: source.memory.floats.baseAddress!, count: count)
  }
}
