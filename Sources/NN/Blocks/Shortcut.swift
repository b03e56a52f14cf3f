import Tensor

/// The skip path of a residual block.
public enum ShortcutKind: String, Codable, Sendable {
  /// Option A (He et al. 2016): subsample and pad channels with zeros; no parameters.
  case zeroPadding = "A"
  /// Option B: a 1×1 convolution with stride plus batch norm, where the shape changes.
  case projection = "B"
}

/// A block's shortcut: identity when the shape is kept, else option A or B.
final class Shortcut: Module {
  enum Path {
    case identity
    case zeroPadding(ShortcutA)
    case projection(Conv2D, BatchNorm)
  }

  let path: Path
  let context: ComputeContext
  /// Option A's input, for its shape and layout in backward (the block keeps it alive anyway).
  private var input: Tensor?
  private lazy var folded: FoldedConvolution? = {
    if case .projection(let conv, let bn) = path { return FoldedConvolution(conv, bn) }
    return nil
  }()

  init(kind: ShortcutKind, inChannels: Int, outChannels: Int, stride: Int,
       context: ComputeContext) throws
  {
    self.context = context
    if inChannels == outChannels && stride == 1 {
      path = .identity
    } else if kind == .zeroPadding {
      path = .zeroPadding(ShortcutA(inChannels: inChannels, outChannels: outChannels,
                                    stride: stride))
    } else {
      path = .projection(
        try Conv2D(inChannels: inChannels, outChannels: outChannels, kernel: 1, stride: stride,
                   context: context),
        try BatchNorm(channels: outChannels, context: context))
    }
  }

  var children: [(name: String, module: any Module)] {
    if case .projection(let conv, let bn) = path { return [("conv", conv), ("bn", bn)] }
    return []
  }

  var hasParameters: Bool { if case .projection = path { true } else { false } }

  func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    switch path {
    case .identity:
      return x
    case .zeroPadding(let op):
      input = recording ? x : nil
      return try op.forward(x, context: context)
    case .projection(let conv, let bn):
      if let folded, folded.applies(recording: recording) {
        return try folded.forward(x, residual: nil, relu: false)
      }
      return try bn.forward(try conv.forward(x, recording: recording), recording: recording)
    }
  }

  func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    switch path {
    case .identity:
      return inputGradient ? dy : nil
    case .zeroPadding(let op):
      guard let x = input else { preconditionFailure("shortcut backward before forward") }
      input = nil
      guard inputGradient else { return nil }
      return try op.backward(dy, inputShape: x.shape, inputLayout: x.descriptor, context: context)
    case .projection(let conv, let bn):
      let convNeedsGradient = conv.weight.isTrainable || inputGradient
      guard let dMid = try bn.backward(dy, inputGradient: convNeedsGradient) else { return nil }
      return try conv.backward(dMid, inputGradient: inputGradient)
    }
  }
}
