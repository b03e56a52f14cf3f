/// The built-in architectures, by name, as the public MEMO/PyCIL code builds them.
extension ResNetArchitecture {
  /// Every built-in name: the CIFAR ResNets, then the ImageNet ResNets.
  public static let builtInNames = [
    "resnet20", "resnet32", "resnet44", "resnet56", "resnet110",
    "resnet10", "resnet18", "resnet34", "resnet26", "resnet50",
  ]

  /// A built-in architecture by name (`resnet32`, `resnet18`, …), or nil.
  public static func builtIn(_ name: String) -> ResNetArchitecture? {
    switch name.lowercased() {
    case "resnet20": cifar(depth: 20)
    case "resnet32": cifar(depth: 32)
    case "resnet44": cifar(depth: 44)
    case "resnet56": cifar(depth: 56)
    case "resnet110": cifar(depth: 110)
    case "resnet10": imagenet(depth: 10)
    case "resnet18": imagenet(depth: 18)
    case "resnet34": imagenet(depth: 34)
    case "resnet26": imagenet(depth: 26)
    case "resnet50": imagenet(depth: 50)
    default: nil
    }
  }

  /// CIFAR ResNet-(6n+2): n BasicBlocks per stage at 16, 32, 64 channels, option A
  /// (He et al. 2016, §4.2; PyCIL's `resnet32`).
  public static func cifar(depth: Int, classes: Int = 100, inputChannels: Int = 3,
                           inputSize: Int = 32) -> ResNetArchitecture
  {
    precondition(depth >= 8 && (depth - 2) % 6 == 0,
                 "a CIFAR ResNet has depth 6n + 2 with n ≥ 1, not \(depth)")
    let n = (depth - 2) / 6
    return ResNetArchitecture(
      name: "resnet\(depth)", stem: .cifar, stemWidth: 16,
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
