import Tensor

/// The residual block of ResNet-26/50 (He et al. 2016, Fig. 5 right; torchvision's "v1.5" with
/// the stride on the 3×3 convolution, as PyCIL's `convs/resnet.py`): y = relu(main + skip) with
/// main = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) and skip = shortcut(x),
/// conv1 1×1 in → width, conv2 3×3 width → width with the stride, conv3 1×1 width → 4·width.
/// All three ReLUs are fused: into bn1, bn2 and the residual add.
public final class Bottleneck: ResidualBlock {
  /// Output channels per unit of width.
  public static let expansion = 4

  let body: ResidualBody

  public init(inChannels: Int, width: Int, stride: Int, shortcut kind: ShortcutKind,
              context: ComputeContext) throws
  {
    let outChannels = width * Self.expansion
    body = try ResidualBody([(inChannels, width, 1, 1), (width, width, 3, stride),
                             (width, outChannels, 1, 1)], shortcut: kind, context: context)
  }

  var conv1: Conv2D { body.units[0].conv }
  var conv2: Conv2D { body.units[1].conv }
  var conv3: Conv2D { body.units[2].conv }
  var shortcut: Shortcut { body.shortcut }
}
