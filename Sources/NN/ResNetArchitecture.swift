import Tensor

/// A ResNet described as data: stem, stages of residual blocks, shortcut kind, widths and a width
/// multiplier. Users write one as a JSON architecture spec (`ResNetArchitecture+Decoding.swift`),
/// so nobody edits Swift to analyze a new architecture.
///
/// Built-ins follow the public MEMO/PyCIL code (`ResNetArchitecture+BuiltIns.swift`): the CIFAR
/// ResNets (3×3 stem, three stages of 16/32/64 channels, BasicBlocks, option-A shortcuts) and the
/// ImageNet ResNets (7×7/2 stem with max pooling, four stages of 64…512, option-B projections),
/// with BasicBlocks (ResNet-10/18/34) or Bottlenecks (ResNet-26/50).
public struct ResNetArchitecture: Sendable, Equatable {
  public enum Stem: String, Codable, Sendable, CaseIterable {
    /// 3×3 convolution, stride 1 (CIFAR).
    case cifar
    /// 7×7 convolution, stride 2, then 3×3/2 max pooling (ImageNet).
    case imagenet
  }

  /// The residual block a stage is made of.
  public enum BlockKind: String, Codable, Sendable, CaseIterable {
    /// Two 3×3 convolutions (He et al. 2016, Fig. 5 left); output width = the stage width.
    case basic
    /// 1×1, 3×3 (with the stride), 1×1 convolutions (He et al. 2016, Fig. 5 right, stride on
    /// the 3×3 as torchvision); output width = 4 × the stage width.
    case bottleneck

    /// Output channels per unit of stage width.
    public var expansion: Int { self == .basic ? 1 : Bottleneck.expansion }
  }

  public struct Stage: Codable, Sendable, Equatable {
    public var block: BlockKind
    public var blocks: Int
    /// The block width before the width multiplier: a BasicBlock's output channels, a
    /// Bottleneck's inner channels (its output is `expansion` times wider).
    public var width: Int
    /// Stride of the stage's first block.
    public var stride: Int

    public init(block: BlockKind = .basic, blocks: Int, width: Int, stride: Int) {
      self.block = block
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

  /// Every residual block in forward order: its name, kind, channels and stride. The ResNet,
  /// the block registry and expandable models are all built from this one list.
  public var blockPlans: [BlockPlan] {
    var plans: [BlockPlan] = []
    var channels = stemChannels
    for (s, stage) in stages.enumerated() {
      let width = scaled(stage.width)
      for b in 0..<stage.blocks {
        let plan = BlockPlan(stage: s + 1, index: b + 1, kind: stage.block, inChannels: channels,
                             width: width, stride: b == 0 ? stage.stride : 1, shortcut: shortcut)
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
}

/// One residual block of an architecture, as the builders need it.
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

  public init(stage: Int, index: Int, kind: ResNetArchitecture.BlockKind, inChannels: Int,
              width: Int, stride: Int, shortcut: ShortcutKind)
  {
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
  /// The skip path changes shape (stride or channels), so it is option A or B, not the identity.
  public var changesShape: Bool { stride != 1 || inChannels != outChannels }

  /// A freshly constructed block (zero weights, BN γ = 1, β = 0): a `BasicBlock` or a
  /// `Bottleneck`.
  public func makeBlock(context: ComputeContext) throws -> any Layer {
    switch kind {
    case .basic:
      try BasicBlock(inChannels: inChannels, outChannels: outChannels, stride: stride,
                     shortcut: shortcut, context: context)
    case .bottleneck:
      try Bottleneck(inChannels: inChannels, width: width, stride: stride, shortcut: shortcut,
                     context: context)
    }
  }
}
