import Tensor

/// The first block: conv + BN + ReLU (fused), then for ImageNet ResNets a 3×3/2 max pool.
public final class Stem: Layer {
  let conv: Conv2D
  let bn: BatchNorm
  let pool: MaxPooling?
  let context: ComputeContext
  private var poolState: (input: Tensor, workspace: Tensor)?
  private lazy var folded = FoldedConvolution(conv, bn)

  public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, maxPool: Bool,
              context: ComputeContext) throws
  {
    conv = try Conv2D(inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                      stride: stride, padding: kernel / 2, context: context)
    bn = try BatchNorm(channels: outChannels, fusesReLU: true, context: context)
    pool = maxPool ? MaxPooling(kernel: 3, stride: 2, padding: 1) : nil
    self.context = context
  }

  public var children: [(name: String, module: any Module)] { [("conv", conv), ("bn", bn)] }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    let h = folded.applies(recording: recording)
      ? try folded.forward(x, residual: nil, relu: true)
      : try bn.forward(try conv.forward(x, recording: recording), recording: recording)
    guard let pool else { return h }
    let (y, workspace) = try pool.forward(h, context: context)
    poolState = recording ? (h, workspace) : nil
    return y
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    var d = dy
    if let pool {
      guard let state = poolState else { preconditionFailure("Stem.backward before forward") }
      poolState = nil
      d = try pool.backward(dy, input: state.input.descriptor, workspace: state.workspace,
                            context: context)
    }
    let convNeeds = conv.weight.isTrainable || inputGradient
    guard let g = try bn.backward(d, inputGradient: convNeeds) else { return nil }
    return try conv.backward(g, inputGradient: inputGradient)
  }
}
