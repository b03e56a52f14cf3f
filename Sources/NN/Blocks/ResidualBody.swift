import Tensor

/// What BasicBlock and Bottleneck share: a main path of convolution → batch norm units (ReLU
/// fused into every batch norm but the last), a shortcut, and relu(main + shortcut).
///
/// Training forwards record what the explicit backward needs; the backward passes a gradient
/// down a unit only when something below it needs one, so frozen bottoms cost nothing.
/// Forwards that record nothing with batch norm in eval mode run each unit as one convolution
/// with batch norm folded in, the last one joined to the shortcut and the ReLU in the same pass.
final class ResidualBody {
  struct Unit {
    let conv: Conv2D
    let bn: BatchNorm
    let folded: FoldedConvolution
  }

  let units: [Unit]
  let shortcut: Shortcut
  let join = ResidualAdd(fusesReLU: true)
  let gradientSum = ResidualAdd(fusesReLU: false)
  let context: ComputeContext
  private var output: Tensor?

  /// `layers`: (in, out, kernel, stride) per convolution of the main path, in order.
  init(_ layers: [(inChannels: Int, outChannels: Int, kernel: Int, stride: Int)],
       shortcut kind: ShortcutKind, context: ComputeContext) throws
  {
    units = try layers.enumerated().map { index, layer in
      let conv = try Conv2D(inChannels: layer.inChannels, outChannels: layer.outChannels,
                            kernel: layer.kernel, stride: layer.stride,
                            padding: layer.kernel / 2, context: context)
      let bn = try BatchNorm(channels: layer.outChannels,
                             fusesReLU: index < layers.count - 1, context: context)
      return Unit(conv: conv, bn: bn, folded: FoldedConvolution(conv, bn))
    }
    let first = layers.first!, last = layers.last!
    shortcut = try Shortcut(kind: kind, inChannels: first.inChannels,
                            outChannels: last.outChannels,
                            stride: layers.map(\.stride).reduce(1, *), context: context)
    self.context = context
  }

  /// conv1, bn1, conv2, bn2, … and the shortcut when it has parameters.
  var children: [(name: String, module: any Module)] {
    units.enumerated().flatMap { i, unit -> [(name: String, module: any Module)] in
      [("conv\(i + 1)", unit.conv), ("bn\(i + 1)", unit.bn)]
    } + (shortcut.hasParameters ? [("shortcut", shortcut)] : [])
  }

  /// `mayOverwriteInput`: the caller never reads `x` again, so an identity shortcut's sum may
  /// land in `x`'s buffer instead of a copy of it.
  func forward(_ x: Tensor, recording: Bool, mayOverwriteInput: Bool = false) throws -> Tensor {
    if units.allSatisfy({ $0.folded.applies(recording: recording) }) {
      var h = x
      for unit in units.dropLast() { h = try unit.folded.forward(h, residual: nil, relu: true) }
      let skip = try shortcut.forward(x, recording: false)
      output = nil
      // A zero-padding or projection shortcut made `skip` for this sum alone; never overwrite
      // the last convolution's own input.
      let overwrite = (skip !== x || mayOverwriteInput) && skip !== h
      return try units.last!.folded.forward(h, residual: skip, overwritingResidual: overwrite,
                                            relu: true)
    }
    var h = x
    for unit in units {
      h = try unit.bn.forward(try unit.conv.forward(h, recording: recording),
                              recording: recording)
    }
    let y = try join.forward(h, try shortcut.forward(x, recording: recording), context: context)
    output = recording ? y : nil
    return y
  }

  func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    guard let y = output else { preconditionFailure("residual block backward before forward") }
    output = nil
    let d = try join.backward(dy, output: y, context: context)
    // needs[i]: unit i's convolution must pass a gradient to its input (something below it,
    // in this block or below the block, trains).
    var needs = [Bool](repeating: false, count: units.count)
    var below = inputGradient
    for i in units.indices {
      needs[i] = below
      below = below || units[i].conv.weight.isTrainable || units[i].bn.hasTrainableParameters
    }
    var g: Tensor? = d
    for i in units.indices.reversed() {
      guard let grad = g else { break }
      let unit = units[i]
      let convNeeds = needs[i] || unit.conv.weight.isTrainable
      g = try unit.bn.backward(grad, inputGradient: convNeeds)
      if let grad = g { g = try unit.conv.backward(grad, inputGradient: needs[i]) }
    }
    let skip = try shortcut.backward(d, inputGradient: inputGradient)
    guard inputGradient, let main = g, let skip else { return nil }
    return try gradientSum.forward(main, skip, context: context)
  }
}

/// A block whose work is a `ResidualBody`: BasicBlock and Bottleneck differ only in the units
/// they build.
protocol ResidualBlock: Layer {
  var body: ResidualBody { get }
}

extension ResidualBlock {
  public var children: [(name: String, module: any Module)] { body.children }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    try body.forward(x, recording: recording)
  }

  public func forward(_ x: Tensor, recording: Bool, mayOverwriteInput: Bool) throws -> Tensor {
    try body.forward(x, recording: recording, mayOverwriteInput: mayOverwriteInput)
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    try body.backward(dy, inputGradient: inputGradient)
  }

  public func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int]) {
    body.cost(input: shape)
  }
}
