import Tensor

/// A ResNet: backbone (stem, stages of residual blocks, global average pooling) and a linear
/// classifier head, built from a `ResNetArchitecture`. Blocks are named `stem`, `stage1.block1`
/// … and `head`; the residual blocks are `BasicBlock`s or `Bottleneck`s as the stages say.
public final class ResNet: Module {
  public let architecture: ResNetArchitecture
  public let stem: Stem
  /// The residual blocks in forward order, with their dotted names.
  public let blocks: [(name: String, block: any Layer)]
  public let head: Dense
  let pool = GlobalAveragePooling()
  let context: ComputeContext
  private var pooledInput: Tensor?

  public init(_ architecture: ResNetArchitecture, context: ComputeContext) throws {
    self.architecture = architecture
    stem = try Stem(architecture, context: context)
    blocks = try architecture.blockPlans.map { ($0.name, try $0.makeBlock(context: context)) }
    head = try Dense(inFeatures: architecture.featureWidth, outFeatures: architecture.classes,
                     context: context)
    self.context = context
  }

  public var children: [(name: String, module: any Module)] {
    [("stem", stem)] + blocks.map { ($0.name, $0.block) } + [("head", head)]
  }

  /// The analysis units in order: stem, every residual block, head.
  public var namedBlocks: [(name: String, block: any Layer)] {
    [("stem", stem)] + blocks.map { ($0.name, $0.block) } + [("head", head)]
  }

  /// Features [N, F] of the backbone; `observe` sees every block's output (name, tensor).
  public func features(_ x: Tensor, recording: Bool,
                       observe: ((String, Tensor) throws -> Void)? = nil) throws -> Tensor
  {
    var h = try stem.forward(x, recording: recording)
    try observe?("stem", h)
    for (name, block) in blocks {
      // `h` came from the stem or the block before; only an observer could still hold it.
      h = try block.forward(h, recording: recording,
                            mayOverwriteInput: !recording && observe == nil)
      try observe?(name, h)
    }
    pooledInput = recording ? h : nil
    return try pool.forward(h, context: context)
  }

  /// Logits [N, classes].
  public func callAsFunction(_ x: Tensor, recording: Bool,
                             observe: ((String, Tensor) throws -> Void)? = nil) throws -> Tensor
  {
    let logits = try head.forward(try features(x, recording: recording, observe: observe),
                                  recording: recording)
    try observe?("head", logits)
    return logits
  }

  /// Backpropagates dL/dlogits through the network, stopping below the lowest trainable block.
  public func backward(_ dLogits: Tensor) throws {
    let layers = namedBlocks.map(\.block)
    // needsGradient[i]: some block below layer i has trainable parameters.
    var below = false
    var needsGradient = [Bool](repeating: false, count: layers.count)
    for i in layers.indices {
      needsGradient[i] = below
      below = below || layers[i].hasTrainableParameters
    }
    guard var g = try head.backward(dLogits, inputGradient: needsGradient.last!) else { return }
    guard let h = pooledInput else { preconditionFailure("ResNet.backward before forward") }
    pooledInput = nil
    g = try pool.backward(g, input: h.descriptor, context: context)
    for i in stride(from: layers.count - 2, through: 0, by: -1) {
      guard let next = try layers[i].backward(g, inputGradient: needsGradient[i]) else { return }
      g = next
    }
  }
}
