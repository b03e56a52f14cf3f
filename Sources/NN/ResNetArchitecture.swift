import Tensor

/// An architecture described as data: stem, stages of blocks, shortcut kind, widths and a width
/// multiplier. Users write one as a JSON architecture spec (`ResNetArchitecture+Codable.swift`),
/// so nobody edits Swift to analyze a new architecture. The blocks are residual (a ResNet) or
/// plain convolution blocks (a plain ConvNet, the MEMO code's `conv2` and `conv4`), or a mix.
///
/// Built-ins follow the public MEMO/PyCIL code (`ResNetArchitecture+BuiltIns.swift`): the CIFAR
/// ResNets (3×3 stem, three stages of 16/32/64 channels, BasicBlocks, option-A shortcuts), the
/// ImageNet ResNets (7×7/2 stem with max pooling, four stages of 64…512, option-B projections),
/// with BasicBlocks (ResNet-10/18/34) or Bottlenecks (ResNet-26/50), and the plain ConvNets.
public struct ResNetArchitecture: Sendable, Equatable {
  public enum Stem: Sendable, Equatable {
    /// 3×3 convolution, stride 1 (CIFAR).
    case cifar
    /// 7×7 convolution, stride 2, then 3×3/2 max pooling (ImageNet).
    case imagenet
    /// A plain convolution block as given (a plain ConvNet's first block).
    case conv(ConvBlockLayout)

    /// The block the stem is.
    public var layout: ConvBlockLayout {
      switch self {
      case .cifar:
        ConvBlockLayout(kernel: 3, stride: 1, padding: 1, bias: false, pool: nil,
                        initialization: .heNormalFanOut)
      case .imagenet:
        ConvBlockLayout(kernel: 7, stride: 2, padding: 3, bias: false,
                        pool: .init(kernel: 3, stride: 2, padding: 1),
                        initialization: .heNormalFanOut)
      case .conv(let layout): layout
      }
    }

    /// `cifar`, `imagenet` or `conv`.
    public var name: String {
      switch self {
      case .cifar: "cifar"
      case .imagenet: "imagenet"
      case .conv: "conv"
      }
    }
  }

  /// The residual block a stage is made of.
  public enum BlockKind: String, Codable, Sendable, CaseIterable {
    /// Two 3×3 convolutions (He et al. 2016, Fig. 5 left); output width = the stage width.
    case basic
    /// 1×1, 3×3 (with the stride), 1×1 convolutions (He et al. 2016, Fig. 5 right, stride on
    /// the 3×3 as torchvision); output width = 4 × the stage width.
    case bottleneck
    /// A plain convolution block, no shortcut: k×k convolution (optional bias), batch norm,
    /// ReLU, optional max pooling (the MEMO code's `conv_block`); output width = the stage width.
    case conv

    /// Output channels per unit of stage width.
    public var expansion: Int { self == .bottleneck ? Bottleneck.expansion : 1 }
    /// A residual block (with a shortcut).
    public var isResidual: Bool { self != .conv }
  }

  public struct Stage: Codable, Sendable, Equatable {
    public var block: BlockKind
    public var blocks: Int
    /// The block width before the width multiplier: a BasicBlock's output channels, a
    /// Bottleneck's inner channels (its output is `expansion` times wider).
    public var width: Int
    /// Stride of the stage's first block.
    public var stride: Int
    /// Conv blocks only: kernel side, padding, bias, and the max pooling window (kernel =
    /// stride, no padding; nil for none).
    public var kernel: Int
    public var padding: Int
    public var bias: Bool
    public var maxPool: Int?

    public init(block: BlockKind = .basic, blocks: Int, width: Int, stride: Int,
                kernel: Int = 3, padding: Int? = nil, bias: Bool = false, maxPool: Int? = nil)
    {
      self.block = block
      self.blocks = blocks
      self.width = width
      self.stride = stride
      self.kernel = kernel
      self.padding = padding ?? kernel / 2
      self.bias = bias
      self.maxPool = maxPool
    }

    /// A conv block of this stage: the stage's stride on the first block only; PyTorch's
    /// default initialization, as the MEMO code leaves it.
    public func convLayout(stride: Int) -> ConvBlockLayout {
      ConvBlockLayout(kernel: kernel, stride: stride, padding: padding, bias: bias,
                      pool: maxPool.map { .init(kernel: $0, stride: $0) },
                      initialization: .pytorchDefault)
    }
  }

  public var name: String
  public var stem: Stem
  public var stemWidth: Int
  public var stages: [Stage]
  public var shortcut: ShortcutKind
  /// Scales the stem and every stage width: round(width × multiplier), at least 1.
  public var widthMultiplier: Double
  public var inputChannels: Int
  /// Height and width of the (square) input images the spec is written for.
  public var inputSize: Int
  public var classes: Int

  public init(name: String, stem: Stem, stemWidth: Int, stages: [Stage], shortcut: ShortcutKind,
              widthMultiplier: Double = 1, inputChannels: Int, inputSize: Int, classes: Int)
  {
    self.name = name
    self.stem = stem
    self.stemWidth = stemWidth
    self.stages = stages
    self.shortcut = shortcut
    self.widthMultiplier = widthMultiplier
    self.inputChannels = inputChannels
    self.inputSize = inputSize
    self.classes = classes
  }

  /// A width after the multiplier: round(width × multiplier) (halves away from zero), at least 1.
  public func scaled(_ width: Int) -> Int {
    widthMultiplier == 1 ? width : max(1, Int((Double(width) * widthMultiplier).rounded()))
  }

  /// Output channels of the stem, after the width multiplier.
  public var stemChannels: Int { scaled(stemWidth) }

  /// Every block after the stem in forward order: its name, kind, channels and stride. The ResNet,
  /// the block registry and expandable models are all built from this one list.
  public var blockPlans: [BlockPlan] {
    var plans: [BlockPlan] = []
    var channels = stemChannels
    for (s, stage) in stages.enumerated() {
      let width = scaled(stage.width)
      for b in 0..<stage.blocks {
        let stride = b == 0 ? stage.stride : 1
        let plan = BlockPlan(stage: s + 1, index: b + 1, kind: stage.block, inChannels: channels,
                             width: width, stride: stride, shortcut: shortcut,
                             conv: stage.block == .conv ? stage.convLayout(stride: stride) : nil)
        plans.append(plan)
        channels = plan.outChannels
      }
    }
    return plans
  }

  /// Width of the feature vector the backbone produces (the last block's output channels).
  public var featureWidth: Int { blockPlans.last?.outChannels ?? stemChannels }

  /// The analysis units in forward order: `stem`, `stage1.block1`, …, `head`.
  public var blockNames: [String] { ["stem"] + blockPlans.map(\.name) + ["head"] }

  /// Some stage has residual blocks (so `shortcut` matters).
  public var hasResidualBlocks: Bool { stages.contains { $0.block.isResidual } }
}

/// One block after the stem, as the builders need it.
public struct BlockPlan: Sendable, Equatable {
  /// 1-based stage and block numbers, as papers count.
  public var stage: Int
  public var index: Int
  public var kind: ResNetArchitecture.BlockKind
  public var inChannels: Int
  /// The block width (a Bottleneck's inner channels), after the width multiplier.
  public var width: Int
  public var stride: Int
  public var shortcut: ShortcutKind
  /// A conv block's layout (stride included); nil for residual blocks.
  public var conv: ConvBlockLayout?

  public init(stage: Int, index: Int, kind: ResNetArchitecture.BlockKind, inChannels: Int,
              width: Int, stride: Int, shortcut: ShortcutKind, conv: ConvBlockLayout? = nil)
  {
    precondition((kind == .conv) == (conv != nil), "a conv block, and only one, has a layout")
    self.conv = conv
    self.stage = stage
    self.index = index
    self.kind = kind
    self.inChannels = inChannels
    self.width = width
    self.stride = stride
    self.shortcut = shortcut
  }

  /// `stage2.block3`.
  public var name: String { "stage\(stage).block\(index)" }
  public var outChannels: Int { width * kind.expansion }
  /// The skip path changes shape (stride or channels), so it is option A or B, not the identity
  /// (never for a conv block, which has no skip path).
  public var changesShape: Bool { kind.isResidual && (stride != 1 || inChannels != outChannels) }

  /// A freshly constructed block (zero weights, BN γ = 1, β = 0): a `BasicBlock`, a
  /// `Bottleneck` or a `ConvBlock`.
  public func makeBlock(context: ComputeContext) throws -> any Layer {
    switch kind {
    case .basic:
      try BasicBlock(inChannels: inChannels, outChannels: outChannels, stride: stride,
                     shortcut: shortcut, context: context)
    case .bottleneck:
      try Bottleneck(inChannels: inChannels, width: width, stride: stride, shortcut: shortcut,
                     context: context)
    case .conv:
      try ConvBlock(inChannels: inChannels, outChannels: outChannels, layout: conv!,
                    context: context)
    }
  }
}
