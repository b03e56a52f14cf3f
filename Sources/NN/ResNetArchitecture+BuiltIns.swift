/// The built-in architectures, by name, as the public MEMO/PyCIL code builds them.
extension ResNetArchitecture {
  /// Every built-in name: the CIFAR ResNets, the ImageNet ResNets, then the plain ConvNets.
  /// ResNet-14 and the CIFAR ResNet-26 are the MEMO code's accuracy–memory curve backbones
  /// (`convs/cifar_resnet.py`, "for auc").
  public static let builtInNames = [
    "resnet14", "resnet20", "resnet26_cifar", "resnet32", "resnet44", "resnet56", "resnet110",
    "resnet10", "resnet18", "resnet34", "resnet26", "resnet50",
    "conv2", "conv4",
  ]

  /// A built-in architecture by name (`resnet32`, `resnet18`, `conv2`, …), or nil. The MEMO
  /// code's spellings work too: `resnet14_cifar`, `resnet10_imagenet`.
  public static func builtIn(_ name: String) -> ResNetArchitecture? {
    let lowered = name.lowercased()
    for (suffix, family) in [("_cifar", cifarDepth), ("_imagenet", imagenetDepth)]
    where lowered.hasSuffix(suffix) && lowered.hasPrefix("resnet") {
      return Int(lowered.dropFirst(6).dropLast(suffix.count)).flatMap(family)
    }
    switch lowered {
    case "conv2": return conv2()
    case "conv4": return conv4()
    case "resnet14": return cifar(depth: 14)
    case "resnet20": return cifar(depth: 20)
    case "resnet32": return cifar(depth: 32)
    case "resnet44": return cifar(depth: 44)
    case "resnet56": return cifar(depth: 56)
    case "resnet110": return cifar(depth: 110)
    case "resnet10": return imagenet(depth: 10)
    case "resnet18": return imagenet(depth: 18)
    case "resnet34": return imagenet(depth: 34)
    case "resnet26": return imagenet(depth: 26)
    case "resnet50": return imagenet(depth: 50)
    default: return nil
    }
  }

  private static func cifarDepth(_ depth: Int) -> ResNetArchitecture? {
    depth >= 8 && (depth - 2) % 6 == 0 ? cifar(depth: depth) : nil
  }

  private static func imagenetDepth(_ depth: Int) -> ResNetArchitecture? {
    imagenetDepths[depth] == nil ? nil : imagenet(depth: depth)
  }

  /// The MEMO code's CIFAR ConvNet (`convs/conv_cifar.py`, `conv2`): two conv blocks 3 → 64 →
  /// 64, each a 3×3 convolution with bias (padding 1), batch norm, ReLU and 2×2 max pooling,
  /// then global average pooling (its `AvgPool2d(8)` on the 8×8 map). 38,976 parameters;
  /// `memo_conv2` shares the first block (1,920) and copies the second (37,056) per task.
  public static func conv2(classes: Int = 100, inputChannels: Int = 3, inputSize: Int = 32)
    -> ResNetArchitecture
  {
    ResNetArchitecture(
      name: "conv2", stem: .conv(plainBlock(kernel: 3, stride: 1)), stemWidth: 64,
      stages: [Stage(block: .conv, blocks: 1, width: 64, stride: 1, kernel: 3, padding: 1,
                     bias: true, maxPool: 2)],
      shortcut: .zeroPadding, inputChannels: inputChannels, inputSize: inputSize,
      classes: classes)
  }

  /// The MEMO code's ImageNet ConvNet (`convs/conv_imagenet.py`, `conv4`): a 7×7/2 block
  /// 3 → 128 (padding 3), two 3×3 blocks 128 → 128 and one 3×3 block 128 → 512, every one with
  /// bias, batch norm, ReLU and 2×2 max pooling, then global average pooling (its
  /// `AvgPool2d(7)` on the 7×7 map of a 224×224 input). 906,240 parameters; `memo_conv4` shares
  /// the first three blocks (314,880) and copies the last (591,360) per task.
  public static func conv4(classes: Int = 100, inputChannels: Int = 3, inputSize: Int = 224)
    -> ResNetArchitecture
  {
    ResNetArchitecture(
      name: "conv4", stem: .conv(plainBlock(kernel: 7, stride: 2)), stemWidth: 128,
      stages: [Stage(block: .conv, blocks: 2, width: 128, stride: 1, kernel: 3, padding: 1,
                     bias: true, maxPool: 2),
               Stage(block: .conv, blocks: 1, width: 512, stride: 1, kernel: 3, padding: 1,
                     bias: true, maxPool: 2)],
      shortcut: .zeroPadding, inputChannels: inputChannels, inputSize: inputSize,
      classes: classes)
  }

  /// A conv block as the MEMO code writes one: k×k with bias, padding k / 2, 2×2 max pooling,
  /// PyTorch's default initialization.
  private static func plainBlock(kernel: Int, stride: Int) -> ConvBlockLayout {
    ConvBlockLayout(kernel: kernel, stride: stride, padding: kernel / 2, bias: true,
                    pool: .init(kernel: 2, stride: 2), initialization: .pytorchDefault)
  }

  /// CIFAR ResNet-(6n+2): n BasicBlocks per stage at 16, 32, 64 channels, option A
  /// (He et al. 2016, §4.2; PyCIL's `resnet32`). Named `resnet<depth>`, or
  /// `resnet<depth>_cifar` where an ImageNet ResNet has the same depth (26, 50).
  public static func cifar(depth: Int, classes: Int = 100, inputChannels: Int = 3,
                           inputSize: Int = 32) -> ResNetArchitecture
  {
    precondition(depth >= 8 && (depth - 2) % 6 == 0,
                 "a CIFAR ResNet has depth 6n + 2 with n ≥ 1, not \(depth)")
    let n = (depth - 2) / 6
    return ResNetArchitecture(
      name: imagenetDepths[depth] == nil ? "resnet\(depth)" : "resnet\(depth)_cifar",
      stem: .cifar, stemWidth: 16,
      stages: [Stage(blocks: n, width: 16, stride: 1), Stage(blocks: n, width: 32, stride: 2),
               Stage(blocks: n, width: 64, stride: 2)],
      shortcut: .zeroPadding, inputChannels: inputChannels, inputSize: inputSize,
      classes: classes)
  }

  /// The ImageNet depths and their stages: BasicBlocks for 10/18/34, Bottlenecks for 26/50.
  public static let imagenetDepths: [Int: (BlockKind, [Int])] = [
    10: (.basic, [1, 1, 1, 1]), 18: (.basic, [2, 2, 2, 2]), 34: (.basic, [3, 4, 6, 3]),
    26: (.bottleneck, [2, 2, 2, 2]), 50: (.bottleneck, [3, 4, 6, 3]),
  ]

  /// ImageNet ResNet-10/18/26/34/50 (torchvision's layout, PyCIL's `convs/resnet.py`): 7×7/2
  /// stem with 3×3/2 max pooling, four stages of width 64, 128, 256, 512 (strides 1, 2, 2, 2),
  /// 1×1 conv + BN projections where the shape changes. 100 classes: ImageNet-100, MEMO's
  /// benchmark (the classifier is not part of the backbone counts anyway).
  public static func imagenet(depth: Int, classes: Int = 100, inputChannels: Int = 3,
                              inputSize: Int = 224) -> ResNetArchitecture
  {
    guard let (kind, counts) = imagenetDepths[depth] else {
      preconditionFailure("ImageNet ResNets have depth 10, 18, 26, 34 or 50, not \(depth)")
    }
    let widths = [64, 128, 256, 512]
    return ResNetArchitecture(
      name: "resnet\(depth)", stem: .imagenet, stemWidth: 64,
      stages: (0..<4).map {
        Stage(block: kind, blocks: counts[$0], width: widths[$0], stride: $0 == 0 ? 1 : 2)
      },
      shortcut: .projection, inputChannels: inputChannels, inputSize: inputSize,
      classes: classes)
  }
}
