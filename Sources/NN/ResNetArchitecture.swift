/// A ResNet described as data: stem, stages of residual blocks, shortcut kind and widths.
///
/// Built-ins follow the public MEMO/PyCIL code: the CIFAR ResNets (3×3 stem, three stages of
/// 16/32/64 channels, option-A shortcuts) and the ImageNet ResNets (7×7/2 stem with max pooling,
/// four stages of 64…512 channels, option-B projections).
public struct ResNetArchitecture: Codable, Sendable, Equatable {
  public enum Stem: String, Codable, Sendable {
    /// 3×3 convolution, stride 1 (CIFAR).
    case cifar
    /// 7×7 convolution, stride 2, then 3×3/2 max pooling (ImageNet).
    case imagenet
  }

  public struct Stage: Codable, Sendable, Equatable {
    public var blocks: Int
    public var width: Int
    /// Stride of the stage's first block.
    public var stride: Int

    public init(blocks: Int, width: Int, stride: Int) {
      self.blocks = blocks
      self.width = width
      self.stride = stride
    }
  }

  public var name: String
  public var stem: Stem
  public var stemWidth: Int
  public var stages: [Stage]
  public var shortcut: ShortcutKind
  public var inputChannels: Int
  public var inputSize: Int
  public var classes: Int

  public init(name: String, stem: Stem, stemWidth: Int, stages: [Stage], shortcut: ShortcutKind,
              inputChannels: Int, inputSize: Int, classes: Int)
  {
    self.name = name
    self.stem = stem
    self.stemWidth = stemWidth
    self.stages = stages
    self.shortcut = shortcut
    self.inputChannels = inputChannels
    self.inputSize = inputSize
    self.classes = classes
  }

  /// CIFAR ResNet-(6n+2): n BasicBlocks per stage at 16, 32, 64 channels, option A.
  public static func cifar(depth: Int, classes: Int = 100, inputChannels: Int = 3,
                           inputSize: Int = 32) -> ResNetArchitecture
  {
    precondition((depth - 2) % 6 == 0, "a CIFAR ResNet has depth 6n + 2, not \(depth)")
    let n = (depth - 2) / 6
    return ResNetArchitecture(
      name: "resnet\(depth)", stem: .cifar, stemWidth: 16,
      stages: [Stage(blocks: n, width: 16, stride: 1), Stage(blocks: n, width: 32, stride: 2),
               Stage(blocks: n, width: 64, stride: 2)],
      shortcut: .zeroPadding, inputChannels: inputChannels, inputSize: inputSize,
      classes: classes)
  }

  /// Width of the feature vector the backbone produces.
  public var featureWidth: Int { stages.last?.width ?? stemWidth }
}
