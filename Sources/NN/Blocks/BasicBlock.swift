import Tensor

/// The residual block of ResNet-18/34 and the CIFAR ResNets (He et al. 2016, Fig. 2):
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), conv1 carrying the stride.
/// Both ReLUs are fused: the first into bn1, the second into the residual add.
public final class BasicBlock: Layer {
  let conv1: Conv2D
  let bn1: BatchNorm
  let conv2: Conv2D
  let bn2: BatchNorm
  let shortcut: Shortcut
  let join = ResidualAdd(fusesReLU: true)
  let gradientSum = ResidualAdd(fusesReLU: false)
  let context: ComputeContext
  private var output: Tensor?

  public init(inChannels: Int, outChannels: Int, stride: Int, shortcut kind: ShortcutKind,
              context: ComputeContext) throws
  {
    conv1 = try Conv2D(inChannels: inChannels, outChannels: outChannels, kernel: 3,
                       stride: stride, padding: 1, context: context)
    bn1 = try BatchNorm(channels: outChannels, fusesReLU: true, context: context)
    conv2 = try Conv2D(inChannels: outChannels, outChannels: outChannels, kernel: 3, stride: 1,
                       padding: 1, context: context)
    bn2 = try BatchNorm(channels: outChannels, context: context)
    shortcut = try Shortcut(kind: kind, inChannels: inChannels, outChannels: outChannels,
                            stride: stride, context: context)
    self.context = context
  }

  public var children: [(name: String, module: any Module)] {
    [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
      + (shortcut.hasParameters ? [("shortcut", shortcut)] : [])
  }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    let h = try bn1.forward(try conv1.forward(x, recording: recording), recording: recording)
    let main = try bn2.forward(try conv2.forward(h, recording: recording), recording: recording)
    let y = try join.forward(main, try shortcut.forward(x, recording: recording), context: context)
    output = recording ? y : nil
    return y
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    guard let y = output else { preconditionFailure("BasicBlock.backward before forward") }
    output = nil
    let d = try join.backward(dy, output: y, context: context)
    // The main path: each layer passes a gradient down only if something below it needs one.
    let conv1Needs = conv1.weight.isTrainable || inputGradient
    let bn1Needs = conv1Needs || bn1.hasTrainableParameters
    let conv2Needs = bn1Needs || conv2.weight.isTrainable
    var g = try bn2.backward(d, inputGradient: conv2Needs)
    if let grad = g { g = try conv2.backward(grad, inputGradient: bn1Needs) }
    if let grad = g { g = try bn1.backward(grad, inputGradient: conv1Needs) }
    if let grad = g { g = try conv1.backward(grad, inputGradient: inputGradient) }
    let skip = try shortcut.backward(d, inputGradient: inputGradient)
    guard inputGradient, let main = g, let skip else { return nil }
    return try gradientSum.forward(main, skip, context: context)
  }
}
