import CIL
import Data
import NN
import Probes
import Recording
import Tensor

/// Records the probes of a class-incremental run while it trains: a `TrainingObserver`, so it
/// attaches to any learner. For every task t ≥ 1 and every block (`ProbedBlocks`: the
/// architecture's blocks, a specialized block being the newest branch's copy):
///
/// - gradient norms after each backward, averaged per epoch (and per iteration as an option);
/// - the parameter shift at the end of each epoch against the task start;
/// - at the end of the task (after training, memory, evaluation): the shift and the BN
///   statistics shift against the end of task t−1, and CKA between the network at the end of
///   task t−1 (a frozen copy kept since then) and now, on the probe images of the old classes
///   and of task t's classes; the evaluation's per-task accuracy;
/// - optionally (`Options.rewind`), the accuracy on the old and the new classes' test images
///   with the body rewound to θ(t−1) from each legal split onward (`BlockRewind`);
/// - optionally (`Options.retrain`), the same accuracies after training task t from θ(t−1) with
///   the body blocks before each legal split frozen (`BlockRetrain`), trained when the task
///   starts on copies, so the run itself is not disturbed.
///
/// Each task goes to the sink (`ProbeFileSink`: the probe file, the activation file) as soon as
/// it ends, so the file is complete after every task: a run stopped in task k leaves tasks
/// 1…k−1. The recorder computes; Recording writes. The head's growth is handled by
/// `ProbedBlocks.headLimit` (see `ProbeSchema`).
public final class ProbeRecorder: TrainingObserver {
  public struct Options: Sendable {
    /// Images per estimator batch (≥ 4); a probe subset is cut to whole batches. Nil: one batch
    /// holding the whole subset, which is Kornblith's debiased full-batch CKA (for small probe
    /// sets: the Grams are n × n and one forward holds every image).
    public var ckaBatch: Int? = 50
    public var features: BlockCKA.Features = .flatten
    /// Also record every iteration's gradient norms.
    public var perIteration = false
    /// Images per forward pass over the probe set (rounded down to whole estimator batches).
    public var forwardImages = 200
    /// Also record the rewind probe (`BlockRewind`): at every task end, old-class and new-class
    /// test accuracy with the body rewound from each legal split onward. One evaluation of the
    /// seen classes' test images per split and task.
    public var rewind = false
    /// Also record the retrain probe (`BlockRetrain`): at every task start t ≥ 1, for each legal
    /// split, a copy of the network trained on task t with the body blocks before the split
    /// frozen, then scored on the old and the new classes. One training of the task per split.
    public var retrain = false
    /// Also record CKA between every block before and every block after the task (from the
    /// same Grams: no further forwards).
    public var ckaMatrix = false

    public init() {}

    /// The probes over the `split` axis these options record.
    var splitProbes: [ProbeSchema.SplitProbe] {
      (rewind ? [.rewind] : []) + (retrain ? [.retrain] : [])
    }
  }

  /// Where each task's results go.
  public let sink: ProbeFileSink
  public var file: ProbeFile { sink.file }
  public var activations: ActivationFile? { sink.activations }
  /// The blocks of the file, in forward order.
  public let blocks: [String]
  /// Called with each task's probes once they are in the file (for progress output).
  public var taskRecorded: ((TaskProbes) -> Void)?

  let data: IncrementalDataset
  let probeSet: ProbeSet
  let options: Options
  let context: ComputeContext

  /// The network at the end of the previous task (frozen copy), its snapshot, its head's shape.
  private var previous: (network: ExpandableNetwork, snapshot: BlockSnapshot,
                         head: (rows: Int, columns: Int))?
  /// The task in training (t ≥ 1 only): the network's blocks, their state at the task start,
  /// and what has been measured so far.
  private var current: (blocks: ProbedBlocks, start: BlockSnapshot)?
  private var epochNorms: GradientNormProbe
  private var epoch = 0
  private var probes = TaskProbes(task: 0, gradientNorm: [], gradientNormNormalized: [],
                                  epochShift: [], shift: [], ckaOld: [], ckaNew: [], accuracy: [])

  /// - Precondition: `options.ckaBatch` is nil or ≥ 4; the sink's activations export blocks of
  ///   `blocks`.
  public init(sink: ProbeFileSink, blocks: [String], data: IncrementalDataset, probeSet: ProbeSet,
              options: Options, context: ComputeContext)
  {
    precondition((options.ckaBatch ?? 4) >= 4, "CKA batches of at least 4 images")
    let exported = sink.activations?.blocks ?? []
    precondition(Set(exported).isSubset(of: blocks),
                 "activations of unknown blocks: \(exported) not all in \(blocks)")
    self.sink = sink
    self.blocks = blocks
    self.data = data
    self.probeSet = probeSet
    self.options = options
    self.context = context
    epochNorms = GradientNormProbe(blocks: blocks)
  }

  public func taskWillTrain(_ learner: Learner, task: Int) throws {
    guard task >= 1 else { return }
    let view = ProbedBlocks(learner.network)
    precondition(view.namedBlocks.map(\.name) == blocks,
                 "the network's blocks \(view.namedBlocks.map(\.name)) are not the file's \(blocks)")
    current = (view, BlockSnapshot(view))
    epochNorms.reset()
    epoch = 0
    probes = TaskProbes(task: task, gradientNorm: [], gradientNormNormalized: [], epochShift: [],
                        shift: [], ckaOld: [], ckaNew: [], accuracy: [])
    if options.retrain {
      try retrain(task: task, learner: learner)
    }
  }

  public func didBackward(_ learner: Learner, step: Int) throws {
    guard let current else { return }
    epochNorms.record(current.blocks)
    if options.perIteration {
      var one = GradientNormProbe(blocks: blocks)
      one.record(current.blocks)
      probes.iterations.append(IterationGradientNorm(
        epoch: epoch + 1, step: step, norm: one.means.map(\.norm),
        normalized: one.means.map(\.normalized)))
    }
  }

  public func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
    guard let current else { return }
    let means = epochNorms.means
    probes.gradientNorm.append(means.map(\.norm))
    probes.gradientNormNormalized.append(means.map(\.normalized))
    probes.gradientNormRelative.append(epochNorms.relativeMeans)
    probes.epochShift.append(current.start.shift(to: BlockSnapshot(current.blocks)).map(\.relative))
    epochNorms.reset()
    epoch += 1
  }

  public func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
    let network = learner.network
    if let previous, current != nil {
      try finish(task: evaluation.task, learner: learner, previous: previous,
                 accuracy: evaluation.cnn.perTask)
    }
    let copy = try network.frozenCopy()
    previous = (copy, BlockSnapshot(ProbedBlocks(copy)), ProbedBlocks.headShape(of: network))
    current = nil
  }

  /// The end-of-task measurements, then the task into the file(s).
  private func finish(task: Int, learner: Learner,
                      previous: (network: ExpandableNetwork, snapshot: BlockSnapshot,
                                 head: (rows: Int, columns: Int)),
                      accuracy: [Double]) throws
  {
    let after = try ProbedBlocks(learner.network, headLimit: previous.head, context: context)
    let before = ProbedBlocks(previous.network)
    probes.shift = previous.snapshot.shift(to: BlockSnapshot(after))
    let components = BlockShiftComponents.perBlock(before: ProbedBlocks(previous.network),
                                                   after: after)
    probes.filterAngleShift = components.map { $0?.filterAngle ?? .nan }
    probes.affineShift = components.map { $0?.affineRelative ?? .nan }
    after.setTraining(false)
    before.setTraining(false)
    let (old, new) = learner.plan.stream.probeIndices(task: task, probe: probeSet)
    var subsets: [ActivationFile.Subset] = []
    let ckaOld = try similarity(before, after, images: old, task: task, subset: "old",
                                into: &subsets)
    let ckaNew = try similarity(before, after, images: new, task: task, subset: "new",
                                into: &subsets)
    (probes.ckaOld, probes.ckaMatrixOld) = (ckaOld.diagonal, ckaOld.matrix ?? [])
    (probes.ckaNew, probes.ckaMatrixNew) = (ckaNew.diagonal, ckaNew.matrix ?? [])
    probes.accuracy = accuracy
    if options.rewind {
      try rewind(task: task, learner: learner, previous: previous.network)
    }
    try sink.record(probes, activations: subsets)
    taskRecorded?(probes)
  }

  /// The rewind probe: test accuracy on the old and the new classes for every legal split.
  private func rewind(task: Int, learner: Learner, previous: ExpandableNetwork) throws {
    let groups = Self.oldAndNew(task: task, learner: learner)
    let accuracies = try BlockRewind.sweep(current: learner.network, previous: previous) {
      try learner.classifierAccuracy(of: $1, data: data, groups: groups).perTask
    }
    probes.rewindOld = accuracies.map { $0[0] }
    probes.rewindNew = accuracies.map { $0[1] }
  }

  /// The retrain probe: test accuracy on the old and the new classes after training the task
  /// from the network at its start with the blocks before each legal split frozen. Run when the
  /// task starts, while the learner's memory is the one the task trains with.
  private func retrain(task: Int, learner: Learner) throws {
    let groups = Self.oldAndNew(task: task, learner: learner)
    let accuracies = try BlockRetrain.sweep(start: learner.network) {
      try learner.trainCopy($0, data: data)
    } measure: {
      try learner.classifierAccuracy(of: $1, data: data, groups: groups).perTask
    }
    probes.retrainOld = accuracies.map { $0[0] }
    probes.retrainNew = accuracies.map { $0[1] }
  }

  /// The class positions of the classes before task `task` and of its own.
  private static func oldAndNew(task: Int, learner: Learner) -> [Range<Int>] {
    let new = learner.plan.stream.tasks[task].classes
    return [0..<new.lowerBound, new]
  }

  /// CKA per block on one probe subset, in estimator order; the exported blocks' features are
  /// collected into `subsets`.
  private func similarity(_ before: ProbedBlocks, _ after: ProbedBlocks, images: [Int],
                          task: Int, subset: String, into subsets: inout [ActivationFile.Subset])
    throws -> BlockCKA.Comparison
  {
    let batch = options.ckaBatch ?? max(images.count, 4)
    let ordered = Self.estimatorOrder(images, batch: batch, seed: probeSet.seed &+ UInt32(task))
    guard !ordered.isEmpty else {
      let reason = "\(images.count) \(subset)-class probe images, fewer than one CKA batch of \(batch)"
      let row = [CKAResult](repeating: CKAResult(value: .nan, reason: reason),
                            count: self.blocks.count)
      return BlockCKA.Comparison(diagonal: row,
                                 matrix: options.ckaMatrix ? Array(repeating: row, count: row.count) : nil)
    }
    let forward = batch * max(1, options.forwardImages / batch)
    let loader = BatchLoader(dataset: data.test, indices: ordered, batchSize: forward,
                             shuffle: false, augmentation: data.testAugmentation, prefetch: false)
    var tensors: [Tensor] = []
    let iterator = loader.batches(epoch: 0)
    while let b = try iterator.next() {
      let s = b.imageShape
      tensors.append(try Tensor(shape: [b.count, s.channels, s.height, s.width], scalars: b.images,
                                context: context))
    }
    let (exported, blocks) = (activations?.blocks ?? [], self.blocks)
    var features = exported.map { ActivationFile.Features(block: $0) }
    let results = try BlockCKA.compareBlocks(
      before, after, batches: tensors, features: options.features, estimatorBatch: batch,
      matrix: options.ckaMatrix, context: context
    ) { b, x, y in
      guard let e = exported.firstIndex(of: blocks[b]) else { return }
      features[e].append(before: x, after: y)
    }
    if !exported.isEmpty {
      subsets.append(ActivationFile.Subset(
        name: subset, images: ordered, labels: ordered.map { data.test.labels[$0] },
        features: features))
    }
    return results
  }

  /// The probe images of a subset in the estimator's order: shuffled with numpy's legacy
  /// `RandomState(seed).permutation(n)`, so every batch mixes classes (the per-batch mean
  /// subtraction would otherwise remove each class's mean and see only within-class
  /// variation), then cut to whole batches.
  static func estimatorOrder(_ images: [Int], batch: Int, seed: UInt32) -> [Int] {
    var random = NumpyLegacyRandom(seed: seed)
    let shuffled = random.permutation(images.count).map { images[$0] }
    return Array(shuffled.prefix(images.count / batch * batch))
  }
}
