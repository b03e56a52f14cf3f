import Tensor

/// A plain convolution block: convolution (optional bias), batch norm with the ReLU fused, then
/// optional max pooling. Every ResNet's stem is one (`Stem`), and the MEMO code's plain ConvNets
/// (`conv2`, `conv4`) are stacks of them.
public final class ConvBlock: Layer {
  public let layout: ConvBlockLayout
  let conv: Conv2D
  let bn: BatchNorm
  let pool: MaxPooling?
  let context: ComputeContext
  private var poolState: (input: Tensor, workspace: Tensor)?
  private lazy var folded = FoldedConvolution(conv, bn)

  public init(inChannels: Int, outChannels: Int, layout: ConvBlockLayout,
              context: ComputeContext) throws
  {
    self.layout = layout
    conv = try Conv2D(inChannels: inChannels, outChannels: outChannels, kernel: layout.kernel,
                      stride: layout.stride, padding: layout.padding, bias: layout.bias,
                      context: context)
    conv.initialization = layout.initialization
    bn = try BatchNorm(channels: outChannels, fusesReLU: true, context: context)
    pool = layout.pool.map {
      MaxPooling(kernel: $0.kernel, stride: $0.stride, padding: $0.padding)
    }
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
      guard let state = poolState else { preconditionFailure("ConvBlock.backward before forward") }
      poolState = nil
      d = try pool.backward(dy, input: state.input.descriptor, workspace: state.workspace,
                            context: context)
    }
    let convTrains = conv.weight.isTrainable || conv.bias?.isTrainable == true
    guard let g = try bn.backward(d, inputGradient: convTrains || inputGradient) else {
      return nil
    }
    return try conv.backward(g, inputGradient: inputGradient)
  }
}
