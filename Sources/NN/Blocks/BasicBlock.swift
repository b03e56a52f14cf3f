import Tensor

/// The residual block of ResNet-18/34 and the CIFAR ResNets (He et al. 2016, Fig. 2):
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), conv1 carrying the stride.
/// Both ReLUs are fused: the first into bn1, the second into the residual add.
public final class BasicBlock: ResidualBlock {
  let body: ResidualBody

  public init(inChannels: Int, outChannels: Int, stride: Int, shortcut kind: ShortcutKind,
              context: ComputeContext) throws
  {
    body = try ResidualBody([(inChannels, outChannels, 3, stride), (outChannels, outChannels, 3, 1)],
                            shortcut: kind, context: context)
  }

  var conv1: Conv2D { body.units[0].conv }
  var bn1: BatchNorm { body.units[0].bn }
  var conv2: Conv2D { body.units[1].conv }
  var bn2: BatchNorm { body.units[1].bn }
  var shortcut: Shortcut { body.shortcut }
}
