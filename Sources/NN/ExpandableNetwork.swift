import Tensor

/// A network that grows one branch per task, for any split of a `ResNetArchitecture`: MEMO
/// (Zhou et al., ICLR 2023) at a middle block, DER (Yan et al., CVPR 2021) at `stem`, one plain
/// backbone at `none`.
///
/// - The shared part (the blocks before the split) keeps its plain names: `stem`,
///   `stage1.block1`, …
/// - Branch k (1-based) holds the split block to the end of the body, named
///   `branch<k>.stage3.block1…`; a new branch is a full copy of the newest one (parameters and
///   BN running statistics); the first one is freshly initialized.
/// - Each branch ends in global average pooling; the features are concatenated oldest first and
///   fed to the classifier `head`, which grows per task with the old weights copied (the new
///   columns of old rows and the new rows are freshly initialized, as PyCIL's `update_fc`).
/// - `aux_head` reads the newest branch's features: the task's new classes + 1 "old" output.
///
/// A frozen block or branch (`setFrozen`) trains no parameters and normalizes with its running
/// statistics, yet still passes the gradient down to trainable shared blocks (MEMO's old
/// branches with `train_shared`).
public final class ExpandableNetwork: Module {
  public let architecture: ResNetArchitecture
  public let split: SplitPoint
  /// The shared blocks, in forward order (all of the body for `none`).
  public let shared: [(name: String, block: any Layer)]
  public private(set) var branches: [Branch] = []
  /// The classifier over all branches' features; nil before the first task.
  public private(set) var head: Dense?
  /// New classes + 1 "old" output on the newest branch; nil before the first task and for
  /// `none`.
  public private(set) var auxiliaryHead: Dense?
  /// Classes added by each task, in order.
  public private(set) var taskSizes: [Int] = []

  let context: ComputeContext
  let pool = GlobalAveragePooling()
  /// Sums the gradients that meet at the newest branch's features and at the shared output
  /// (one instance, so its oneDNN primitives are built once, not per step).
  private let gradientSum = ResidualAdd(fusesReLU: false)
  private var generator: SeededGenerator
  /// Blocks kept in eval mode (their parameters are frozen too), by block name.
  private var frozenBlocks: Set<String> = []
  private var isTraining = true
  /// The last maps of the recorded forward, per branch (one entry, the shared output, for
  /// `none`); nil where nothing needs a backward.
  private var pooledInputs: [Tensor?] = []

  /// One task's copy of the specialized blocks.
  public final class Branch: Module {
    /// 1-based.
    public let index: Int
    public let blocks: [(name: String, block: any Layer)]

    init(index: Int, blocks: [(name: String, block: any Layer)]) {
      self.index = index
      self.blocks = blocks
    }

    /// `branch3`.
    public var name: String { "branch\(index)" }
    public var children: [(name: String, module: any Module)] {
      blocks.map { ($0.name, $0.block) }
    }
  }

  /// The shared part, initialized from `seed` (He normal fan-out); branches and classifiers come
  /// with `addTask`. The first task's branch and classifier continue the same random stream, so
  /// after one task the network holds exactly the weights of `ResNet` initialized with `seed`.
  public init(_ architecture: ResNetArchitecture, split: SplitPoint, seed: UInt64,
              context: ComputeContext) throws
  {
    self.architecture = architecture
    self.split = split
    self.context = context
    generator = SeededGenerator(seed: seed)
    let count = architecture.sharedBlockCount(split)
    shared = try Self.makeBody(architecture, Array(0..<count), context: context)
    for (_, block) in shared { Initialization.initialize(block, using: &generator) }
  }

  /// Body units by index (0 = stem, i = the i-th residual block), freshly constructed.
  private static func makeBody(_ architecture: ResNetArchitecture, _ indices: [Int],
                               context: ComputeContext) throws -> [(name: String, block: any Layer)]
  {
    let plans = architecture.blockPlans
    return try indices.map { i in
      i == 0 ? ("stem", try Stem(architecture, context: context))
        : (plans[i - 1].name, try plans[i - 1].makeBlock(context: context))
    }
  }

  /// Width of one branch's features (the backbone's feature width).
  public var featureWidth: Int { architecture.featureWidth }
  public var totalClasses: Int { taskSizes.reduce(0, +) }

  public var children: [(name: String, module: any Module)] {
    shared.map { ($0.name, $0.block) } + branches.map { ($0.name, $0) }
      + (head.map { [("head", $0)] } ?? []) + (auxiliaryHead.map { [("aux_head", $0)] } ?? [])
  }

  /// The analysis units in forward order: shared blocks, each branch's blocks
  /// (`branch2.stage3.block1`), `head`, `aux_head`.
  public var namedBlocks: [(name: String, block: any Layer)] {
    shared + branches.flatMap { branch in
      branch.blocks.map { ("\(branch.name).\($0.name)", $0.block) }
    } + (head.map { [("head", $0)] } ?? []) + (auxiliaryHead.map { [("aux_head", $0)] } ?? [])
  }

  // MARK: Growing

  /// Starts a task with `classes` new classes: a new branch (a copy of the newest, or fresh for
  /// the first task), the classifier grown to all classes seen with the old weights copied, and a
  /// new auxiliary head. With `freezingOldBranches` (MEMO's and DER's default) every older branch
  /// is frozen and put in eval mode.
  public func addTask(classes: Int, freezingOldBranches: Bool = true) throws {
    precondition(classes >= 1, "a task adds at least one class, not \(classes)")
    if split != .none {
      let first = architecture.sharedBlockCount(split)
      let indices = Array(first...architecture.blockPlans.count)
      let branch = Branch(index: branches.count + 1,
                          blocks: try Self.makeBody(architecture, indices, context: context))
      if let newest = branches.last {
        branch.copyState(from: newest)
      } else {
        Initialization.initialize(branch, using: &generator)
      }
      branch.setTraining(isTraining)
      branches.append(branch)
      if freezingOldBranches {
        for old in branches.dropLast() { setFrozen(true, branch: old.index) }
      }
    }
    taskSizes.append(classes)

    let features = featureWidth * max(1, branches.count)
    let grown = try Dense(inFeatures: features, outFeatures: totalClasses, context: context)
    Initialization.uniformFanIn(grown, using: &generator)
    if let old = head {
      // PyCIL's update_fc: fc.weight[:old_out, :old_in] = old weight; fc.bias[:old_out] = old bias.
      var weight = grown.weight.scalars, bias = grown.bias.scalars
      let oldWeight = old.weight.scalars
      for r in 0..<old.outFeatures {
        for c in 0..<old.inFeatures {
          weight[r * features + c] = oldWeight[r * old.inFeatures + c]
        }
      }
      bias.replaceSubrange(0..<old.outFeatures, with: old.bias.scalars)
      grown.weight.load(weight)
      grown.bias.load(bias)
    }
    // The grown classifier and the new auxiliary head are new modules: trainable.
    frozenBlocks.subtract(["head", "aux_head"])
    head = grown
    if split != .none {
      let auxiliary = try Dense(inFeatures: featureWidth, outFeatures: classes + 1,
                                context: context)
      Initialization.uniformFanIn(auxiliary, using: &generator)
      auxiliaryHead = auxiliary
    }
  }

  /// Rescales the newest task's classifier rows by mean ‖old rows‖ / mean ‖new rows‖ (weight
  /// aligning, Zhao et al. 2020; MEMO's `weight_align` after each incremental task).
  public func alignClassifierWeights() {
    guard let head, let increment = taskSizes.last, taskSizes.count > 1 else { return }
    let (rows, columns) = (head.outFeatures, head.inFeatures)
    var weight = head.weight.scalars
    let norm = { (r: Int) in
      (0..<columns).reduce(0.0) { $0 + Double(weight[r * columns + $1] * weight[r * columns + $1]) }
        .squareRoot()
    }
    let old = (0..<(rows - increment)).map(norm), new = ((rows - increment)..<rows).map(norm)
    let gamma = (old.reduce(0, +) / Double(old.count)) / (new.reduce(0, +) / Double(new.count))
    for i in ((rows - increment) * columns)..<(rows * columns) {
      weight[i] = Float(Double(weight[i]) * gamma)
    }
    head.weight.load(weight)
  }

  // MARK: Freezing

  /// Freezes (or unfreezes) one block by its name in `namedBlocks` (`stage1.block2`,
  /// `branch1.stage3.block1`, `head`): no parameter is trained, and its batch norms use their
  /// running statistics even when the network trains.
  public func setFrozen(_ frozen: Bool, block name: String) {
    guard let block = namedBlocks.first(where: { $0.name == name })?.block else {
      preconditionFailure("no block \(name); blocks: \(namedBlocks.map(\.name))")
    }
    block.setTrainable(!frozen)
    if frozen { frozenBlocks.insert(name) } else { frozenBlocks.remove(name) }
    block.setTraining(isTraining && !frozen)
  }

  /// Freezes (or unfreezes) every block of branch `index` (1-based).
  public func setFrozen(_ frozen: Bool, branch index: Int) {
    precondition(branches.indices.contains(index - 1), "no branch \(index)")
    for (name, _) in branches[index - 1].blocks {
      setFrozen(frozen, block: "branch\(index).\(name)")
    }
  }

  /// Freezes (or unfreezes) the shared blocks (MEMO with `train_base` off).
  public func setSharedFrozen(_ frozen: Bool) {
    for (name, _) in shared { setFrozen(frozen, block: name) }
  }

  public func isFrozen(block name: String) -> Bool { frozenBlocks.contains(name) }

  /// Training or eval mode for every block except the frozen ones, which stay in eval mode.
  public func setTraining(_ training: Bool) {
    isTraining = training
    for (name, block) in namedBlocks { block.setTraining(training && !frozenBlocks.contains(name)) }
  }

  // MARK: Forward and backward

  public struct Output {
    /// [N, classes seen], from all branches' features.
    public let logits: Tensor
    /// [N, new classes + 1] from the newest branch, nil for `none` (and before the first task).
    public let auxiliaryLogits: Tensor?
    /// [N, F · branches]: the concatenated features, oldest branch first.
    public let features: Tensor
  }

  private var sharedIsTrainable: Bool { shared.contains { $0.block.hasTrainableParameters } }

  /// Logits, auxiliary logits and features; `observe` sees every block's output by its name in
  /// `namedBlocks`. When `recording`, blocks that a backward will need keep what it needs.
  public func callAsFunction(_ x: Tensor, recording: Bool,
                             observe: ((String, Tensor) throws -> Void)? = nil) throws -> Output
  {
    guard let head else { preconditionFailure("ExpandableNetwork: call addTask before forward") }
    var h = x
    var trainableBelow = false
    // A block may overwrite its input when it came from the block before (not `x`, not the
    // shared output every branch reads), nothing records and no observer could hold it.
    for (index, (name, block)) in shared.enumerated() {
      trainableBelow = trainableBelow || block.hasTrainableParameters
      let records = recording && trainableBelow
      h = try block.forward(h, recording: records,
                            mayOverwriteInput: index > 0 && !records && observe == nil)
      try observe?(name, h)
    }
    let sharedTrainable = trainableBelow
    var parts: [Tensor] = []
    pooledInputs = []
    if branches.isEmpty {
      pooledInputs = [recording && sharedTrainable ? h : nil]
      parts = [try pool.forward(h, context: context)]
    }
    for branch in branches {
      let records = recording && (sharedTrainable || branch.hasTrainableParameters)
      var b = h
      for (index, (name, block)) in branch.blocks.enumerated() {
        b = try block.forward(b, recording: records,
                              mayOverwriteInput: index > 0 && !records && observe == nil)
        try observe?("\(branch.name).\(name)", b)
      }
      pooledInputs.append(records ? b : nil)
      parts.append(try pool.forward(b, context: context))
    }
    let features = parts.count == 1
      ? parts[0] : try Concatenation.forward(parts, context: context)
    let logits = try head.forward(features, recording: recording)
    try observe?("head", logits)
    var auxiliary: Tensor?
    if let auxiliaryHead, let newest = parts.last, !branches.isEmpty {
      auxiliary = try auxiliaryHead.forward(newest, recording: recording)
      try observe?("aux_head", auxiliary!)
    }
    return Output(logits: logits, auxiliaryLogits: auxiliary, features: features)
  }

  /// Backpropagates dL/dlogits (and dL/dauxiliary logits, if the loss uses them) through the
  /// network: frozen branches pass the gradient through to trainable shared blocks, and nothing
  /// below the lowest trainable block does any work.
  public func backward(_ dLogits: Tensor, auxiliary dAuxiliary: Tensor? = nil) throws {
    guard let head else { preconditionFailure("ExpandableNetwork.backward before addTask") }
    defer { pooledInputs = [] }
    let sharedTrainable = sharedIsTrainable
    let branchNeeds = branches.map { sharedTrainable || $0.hasTrainableParameters }
    let featuresNeeded = branches.isEmpty ? sharedTrainable : branchNeeds.contains(true)
    let dFeatures = try head.backward(dLogits, inputGradient: featuresNeeded)

    var dShared: Tensor?
    if branches.isEmpty {
      guard let dFeatures, let map = pooledInputs.first ?? nil else { return }
      dShared = try pool.backward(dFeatures, input: map.descriptor, context: context)
    } else {
      var parts: [Tensor?] = Array(repeating: nil, count: branches.count)
      if let dFeatures {
        parts = branches.count == 1 ? [dFeatures]
          : try Concatenation.backward(dFeatures, widths: branches.map { _ in featureWidth },
                                       context: context)
      }
      if let dAuxiliary, let auxiliaryHead,
        let dNewest = try auxiliaryHead.backward(dAuxiliary, inputGradient: branchNeeds.last!)
      {
        parts[parts.count - 1] = try parts.last!.map {
          try gradientSum.forward($0, dNewest, context: context)
        } ?? dNewest
      }
      for (k, branch) in branches.enumerated() where branchNeeds[k] {
        guard let dPart = parts[k], let map = pooledInputs[k] else { continue }
        var g: Tensor? = try pool.backward(dPart, input: map.descriptor, context: context)
        // needsGradient[j]: a block below block j (in this branch or the shared part) trains.
        var below = sharedTrainable
        var needsGradient: [Bool] = []
        for (_, block) in branch.blocks {
          needsGradient.append(below)
          below = below || block.hasTrainableParameters
        }
        for j in branch.blocks.indices.reversed() {
          guard let grad = g else { break }
          g = try branch.blocks[j].block.backward(grad, inputGradient: needsGradient[j])
        }
        if let g {
          dShared = try dShared.map {
            try gradientSum.forward($0, g, context: context)
          } ?? g
        }
      }
    }
    guard var g = dShared else { return }
    var below = false
    var needsGradient: [Bool] = []
    for (_, block) in shared {
      needsGradient.append(below)
      below = below || block.hasTrainableParameters
    }
    for i in shared.indices.reversed() {
      guard let next = try shared[i].block.backward(g, inputGradient: needsGradient[i]) else {
        return
      }
      g = next
    }
  }
}
