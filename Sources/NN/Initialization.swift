/// Initialization as the public MEMO/PyCIL code does it:
/// convolutions He normal with fan-out, N(0, 2 / (k·k·out)) (He et al. 2015); batch norm
/// γ = 1, β = 0 (already so at construction); the classifier U(−√(3/fan_in), +√(3/fan_in))
/// (`kaiming_uniform_` with gain 1) and bias 0. The plain ConvNets of the MEMO code (`conv2`,
/// `conv4`: `convs/conv_cifar.py`, `convs/conv_imagenet.py`) set nothing, so their convolutions
/// keep PyTorch's default, U(−1/√fan_in, +1/√fan_in) for weight and bias alike.
public enum Initialization {
  /// How a convolution is drawn.
  public enum Scheme: Sendable {
    /// N(0, 2 / (k·k·out)): the ResNets (He et al. 2015, fan-out mode).
    case heNormalFanOut
    /// U(±1/√(in·k·k)) for weight and bias: PyTorch's `Conv2d.reset_parameters`
    /// (`kaiming_uniform_` with a = √5).
    case pytorchDefault
  }

  public static func heNormalFanOut(_ conv: Conv2D, using generator: inout SeededGenerator) {
    let shape = conv.weight.shape
    let std = (2.0 / Double(shape[0] * shape[2] * shape[3])).squareRoot()
    conv.weight.load((0..<conv.weight.count).map { _ in Float(generator.normal() * std) })
  }

  public static func pytorchDefault(_ conv: Conv2D, using generator: inout SeededGenerator) {
    let shape = conv.weight.shape
    let bound = 1 / Double(shape[1] * shape[2] * shape[3]).squareRoot()
    conv.weight.load((0..<conv.weight.count).map { _ in
      Float((generator.unit() * 2 - 1) * bound)
    })
    conv.bias?.load((0..<shape[0]).map { _ in Float((generator.unit() * 2 - 1) * bound) })
  }

  public static func uniformFanIn(_ dense: Dense, using generator: inout SeededGenerator) {
    let bound = (3.0 / Double(dense.inFeatures)).squareRoot()
    dense.weight.load((0..<dense.weight.count).map { _ in
      Float((generator.unit() * 2 - 1) * bound)
    })
    dense.bias.load(Array(repeating: 0, count: dense.bias.count))
  }

  /// Initializes every convolution and dense layer below `module`, in traversal order.
  public static func initialize(_ module: any Module, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    visit(module, &generator)
  }

  /// Initializes every convolution and dense layer below `module`, in traversal order, drawing
  /// from `generator`: modules built piece by piece (an expandable model's shared part, then
  /// its first branch, then its classifier) get the same values as one network in one call.
  public static func initialize(_ module: any Module, using generator: inout SeededGenerator) {
    visit(module, &generator)
  }

  private static func visit(_ module: any Module, _ generator: inout SeededGenerator) {
    if let conv = module as? Conv2D {
      switch conv.initialization {
      case .heNormalFanOut: heNormalFanOut(conv, using: &generator)
      case .pytorchDefault: pytorchDefault(conv, using: &generator)
      }
    }
    if let dense = module as? Dense { uniformFanIn(dense, using: &generator) }
    for child in module.children { visit(child.module, &generator) }
  }
}
