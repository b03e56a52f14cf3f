/// The blocks of an architecture in forward order with their stable dotted names (`stem`,
/// `stage1.block1`, …, `head`): for each, its parameters (names and shapes), BN buffers,
/// parameter count, multiply-accumulates for one image of a given size, and output shape.
///
/// Computed from the architecture alone, without building a network, so the memory ledger and
/// `strata arch` work for any size; tests check it against built networks, name by name.
public struct BlockRegistry: Sendable {
  /// A tensor's dotted name and shape.
  public struct NamedShape: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var shape: [Int]

    public init(_ name: String, _ shape: [Int]) {
      self.name = name
      self.shape = shape
    }

    public var count: Int { shape.reduce(1, *) }
    public var description: String { "\(name) \(shape)" }
  }

  public struct Entry: Sendable, Equatable {
    public enum Kind: String, Sendable {
      case stem, basic, bottleneck, conv, head
    }

    public var name: String
    public var kind: Kind
    /// Parameters with names relative to the block (`conv1.weight`), in traversal order.
    public var parameters: [NamedShape]
    /// BatchNorm running statistics, relative names (`bn1.running_mean`).
    public var buffers: [NamedShape]
    /// Multiply-accumulates of one forward for one image (batch norm, ReLU, adds and pooling
    /// are not counted, as `CostAccounting`).
    public var multiplyAccumulates: Int
    /// Per image: [C, H, W] for maps, [F] for the head's features.
    public var inputShape: [Int]
    /// Per image: [C, H, W] for maps, [classes] for the head.
    public var outputShape: [Int]

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
  }

  public let architecture: ResNetArchitecture
  /// One input image, [C, H, W].
  public let inputShape: [Int]
  /// `stem`, every residual block, `head`.
  public let entries: [Entry]

  /// The registry for images of `input` = [C, H, W] (default: the architecture's own
  /// `inputChannels` × `inputSize` × `inputSize`). Other channel counts change the stem.
  public init(_ architecture: ResNetArchitecture, input: [Int]? = nil) {
    let input = input ?? [architecture.inputChannels, architecture.inputSize,
                          architecture.inputSize]
    precondition(input.count == 3 && input.allSatisfy { $0 >= 1 }, "input [C, H, W], not \(input)")
    self.architecture = architecture
    inputShape = input
    var entries: [Entry] = []
    let down = { (n: Int, stride: Int) in (n - 1) / stride + 1 }

    // Stem: a conv block (conv, BN + ReLU, max pooling for ImageNet and plain ConvNets).
    let stem = architecture.stem.layout
    let c = architecture.stemChannels
    let (stemEntry, stemSize) = Self.convBlock(
      "stem", kind: .stem, stem, inChannels: input[0], outChannels: c, height: input[1],
      width: input[2])
    entries.append(stemEntry)
    var (h, w) = stemSize
    for plan in architecture.blockPlans {
      if let layout = plan.conv {
        let (entry, size) = Self.convBlock(plan.name, kind: .conv, layout,
                                           inChannels: plan.inChannels,
                                           outChannels: plan.outChannels, height: h, width: w)
        entries.append(entry)
        (h, w) = size
        continue
      }
      let (inH, inW) = (h, w)
      (h, w) = (down(h, plan.stride), down(w, plan.stride))
      let (i, width, out) = (plan.inChannels, plan.width, plan.outChannels)
      var parameters: [NamedShape], buffers: [NamedShape], macs: Int
      switch plan.kind {
      case .basic:
        parameters = [NamedShape("conv1.weight", [out, i, 3, 3])] + Self.batchNorm("bn1", out)
          + [NamedShape("conv2.weight", [out, out, 3, 3])] + Self.batchNorm("bn2", out)
        buffers = Self.runningStatistics("bn1", out) + Self.runningStatistics("bn2", out)
        macs = h * w * out * (i + out) * 9
      case .conv:
        preconditionFailure("conv blocks are handled above")
      case .bottleneck:
        parameters = [NamedShape("conv1.weight", [width, i, 1, 1])]
          + Self.batchNorm("bn1", width)
          + [NamedShape("conv2.weight", [width, width, 3, 3])] + Self.batchNorm("bn2", width)
          + [NamedShape("conv3.weight", [out, width, 1, 1])] + Self.batchNorm("bn3", out)
        buffers = Self.runningStatistics("bn1", width) + Self.runningStatistics("bn2", width)
          + Self.runningStatistics("bn3", out)
        macs = inH * inW * width * i + h * w * (width * width * 9 + out * width)
      }
      if plan.changesShape && plan.shortcut == .projection {
        parameters += [NamedShape("shortcut.conv.weight", [out, i, 1, 1])]
          + Self.batchNorm("shortcut.bn", out)
        buffers += Self.runningStatistics("shortcut.bn", out)
        macs += h * w * out * i
      }
      entries.append(Entry(
        name: plan.name, kind: plan.kind == .basic ? .basic : .bottleneck,
        parameters: parameters, buffers: buffers, multiplyAccumulates: macs,
        inputShape: [i, inH, inW], outputShape: [out, h, w]))
    }

    let (features, classes) = (architecture.featureWidth, architecture.classes)
    entries.append(Entry(
      name: "head", kind: .head,
      parameters: [NamedShape("weight", [classes, features]), NamedShape("bias", [classes])],
      buffers: [], multiplyAccumulates: features * classes, inputShape: [features],
      outputShape: [classes]))
    self.entries = entries
  }

  /// A conv block's entry (convolution weight and bias, BN) and its output height and width.
  private static func convBlock(_ name: String, kind: Entry.Kind, _ layout: ConvBlockLayout,
                                inChannels: Int, outChannels: Int, height: Int, width: Int)
    -> (Entry, (Int, Int))
  {
    let k = layout.kernel
    let (ch, cw) = (layout.convolutionOutput(height), layout.convolutionOutput(width))
    let (h, w) = (layout.output(height), layout.output(width))
    let parameters = [NamedShape("conv.weight", [outChannels, inChannels, k, k])]
      + (layout.bias ? [NamedShape("conv.bias", [outChannels])] : [])
      + Self.batchNorm("bn", outChannels)
    let entry = Entry(
      name: name, kind: kind, parameters: parameters,
      buffers: Self.runningStatistics("bn", outChannels),
      multiplyAccumulates: ch * cw * outChannels * inChannels * k * k,
      inputShape: [inChannels, height, width], outputShape: [outChannels, h, w])
    return (entry, (h, w))
  }

  private static func batchNorm(_ name: String, _ channels: Int) -> [NamedShape] {
    [NamedShape("\(name).weight", [channels]), NamedShape("\(name).bias", [channels])]
  }

  private static func runningStatistics(_ name: String, _ channels: Int) -> [NamedShape] {
    [NamedShape("\(name).running_mean", [channels]), NamedShape("\(name).running_var", [channels])]
  }

  /// The backbone's blocks: every entry but the head.
  public var body: ArraySlice<Entry> { entries.dropLast() }

  public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

  /// Parameters of the backbone (no classifier), as the MEMO code counts a model.
  public var backboneParameterCount: Int { body.reduce(0) { $0 + $1.parameterCount } }

  /// Multiply-accumulates of one forward of one image through the whole network.
  public var multiplyAccumulates: Int { entries.reduce(0) { $0 + $1.multiplyAccumulates } }

  /// The backbone's parameters split at `split`: G shared (blocks before it) and S specialized
  /// (the split block to the end of the body). `none` is G = everything, S = 0; `stem` is
  /// G = 0, S = everything.
  public func partition(_ split: SplitPoint) -> (shared: Int, specialized: Int) {
    let count = architecture.sharedBlockCount(split)
    let shared = body.prefix(count).reduce(0) { $0 + $1.parameterCount }
    return (shared, backboneParameterCount - shared)
  }

  /// Every parameter with its full dotted name (`stage2.block1.conv1.weight`), in the order of
  /// `Module.namedParameters()`.
  public var namedParameters: [NamedShape] {
    entries.flatMap { entry in
      entry.parameters.map { NamedShape("\(entry.name).\($0.name)", $0.shape) }
    }
  }

  /// Every buffer with its full dotted name (`stage2.block1.bn1.running_mean`).
  public var namedBuffers: [NamedShape] {
    entries.flatMap { entry in
      entry.buffers.map { NamedShape("\(entry.name).\($0.name)", $0.shape) }
    }
  }
}
