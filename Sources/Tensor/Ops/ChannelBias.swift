import DNNL

/// y = x + b with one bias per channel of an [N, C, H, W] map (a convolution's bias, as
/// PyTorch's `nn.Conv2d(bias=True)`), and its gradient db_c = Σ_{n,h,w} dy[n, c, h, w].
///
/// The forward is one oneDNN binary add broadcasting b over N, H and W, in the map's own
/// layout; the backward sums in Float64 over the plain values (it runs once per step on a map,
/// small next to the convolution's own backward).
public final class ChannelBias: @unchecked Sendable {
  private var forwards: [MemoryDescriptor: Primitive] = [:]

  public init() {}

  /// `bias` is a plain [C] tensor.
  public func forward(_ x: Tensor, bias: Tensor, context: ComputeContext) throws(DNNLError)
    -> Tensor
  {
    precondition(x.shape.count == 4 && bias.shape == [x.shape[1]],
                 "a channel bias of \(bias.shape) for a map of \(x.shape)")
    let channels = x.shape[1]
    let b = try Tensor(shape: [1, channels, 1, 1],
                       scalars: Array(bias.memory.floats.prefix(channels)), context: context)
    if forwards[x.descriptor] == nil {
      forwards[x.descriptor] = try Primitive(.binaryAdd(
        src0: x.descriptor, src1: b.descriptor, dst: x.descriptor, engine: context.engine))
    }
    let y = try Tensor(x.descriptor, context: context)
    try forwards[x.descriptor]!.execute(context.stream, [(.src, x.memory), (.src1, b.memory),
                                                         (.dst, y.memory)])
    return y
  }

  /// dL/db, a plain [C] tensor, from dL/dy of any layout.
  public func backward(_ dy: Tensor, context: ComputeContext) throws(DNNLError) -> Tensor {
    let (n, c, plane) = (dy.shape[0], dy.shape[1], dy.shape[2] * dy.shape[3])
    let values = try dy.scalars(context: context)
    var sums = [Double](repeating: 0, count: c)
    for i in 0..<n {
      for k in 0..<c {
        let start = (i * c + k) * plane
        var s = 0.0
        for j in start..<(start + plane) { s += Double(values[j]) }
        sums[k] += s
      }
    }
    return try Tensor(shape: [c], scalars: sums.map(Float.init), context: context)
  }
}
