import DNNL
import Tensor

/// A 2-D convolution layer, weights `[out, in, k, k]`, with an optional per-channel bias
/// `[out]` (ResNets have none: batch norm follows every convolution; PyCIL's plain ConvNets
/// keep PyTorch's default bias).
public final class Conv2D: Layer {
  public let weight: Parameter
  public let bias: Parameter?
  /// How `Initialization` draws this layer's values: He normal with fan-out (the ResNets'
  /// explicit init) or PyTorch's default (the plain ConvNets, which keep it).
  public var initialization: Initialization.Scheme = .heNormalFanOut
  let addBias = ChannelBias()
  let op: Convolution
  let context: ComputeContext
  /// What the recorded forward left for backward: the input's shape, and the input itself only
  /// when the weights train (backward data needs the weights alone, so a frozen convolution,
  /// such as one in MEMO's old branches, keeps no activation).
  private var recorded: (shape: [Int], input: Tensor?)?
  /// The weights in the layouts the primitives want, valid while `weight.version` is unchanged:
  /// evaluation reorders them once, training once per step and direction.
  private var layoutCopies: [MemoryDescriptor: (version: Int, tensor: Tensor)] = [:]

  public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
              bias: Bool = false, context: ComputeContext) throws
  {
    op = Convolution(inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                     stride: stride, padding: padding)
    weight = Parameter(try Tensor(zeros: op.weightShape, context: context))
    self.bias = bias ? Parameter(try Tensor(zeros: [outChannels], context: context)) : nil
    self.context = context
  }

  public var ownParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    recorded = recording ? (x.shape, weight.isTrainable ? x : nil) : nil
    let layout = try op.forwardWeightsLayout(x.shape, training: recording, context: context)
    let y = try op.forward(x, weight: try weights(in: layout), training: recording,
                           context: context)
    guard let bias else { return y }
    return try addBias.forward(y, bias: bias.value, context: context)
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    guard let (shape, x) = recorded else {
      preconditionFailure("Conv2D.backward without a recorded forward")
    }
    recorded = nil
    if let bias, bias.isTrainable {
      try bias.accumulate(try addBias.backward(dy, context: context), context: context)
    }
    if weight.isTrainable {
      guard let x else { preconditionFailure("Conv2D weights unfrozen between forward and backward") }
      try weight.accumulate(try op.backwardWeights(x, dy: dy, context: context), context: context)
    }
    guard inputGradient else { return nil }
    let layout = try op.backwardDataWeightsLayout(shape, context: context)
    return try op.backwardData(inputShape: shape, dy: dy, weight: try weights(in: layout),
                               context: context)
  }

  private func weights(in layout: MemoryDescriptor) throws -> Tensor {
    if let copy = layoutCopies[layout], copy.version == weight.version { return copy.tensor }
    let tensor = try weight.value.reordered(to: layout, context: context)
    layoutCopies[layout] = (weight.version, tensor)
    return tensor
  }

  /// Multiply-accumulates of one forward for an input of `shape`.
  public func multiplyAccumulates(input shape: [Int]) -> Int {
    let out = op.outputShape(shape)
    return out[1] * out[2] * out[3] * op.inChannels * op.kernel * op.kernel
  }
}
