import Data
import NN
import Tensor

/// A class-incremental learner with PyCIL's lifecycle, driven task by task by
/// `ClassIncrementalRun`: `incrementalTrain` (grow the network, train the task) →
/// `buildRehearsalMemory` (reduce and construct exemplars, class means) → `evalTask` (CNN and
/// NME top-1) → `afterTask` (the new classes become known). This is the order of PyCIL's
/// `trainer.py`, where `incremental_train` ends by building the memory so that `eval_task`'s
/// NME sees the new classes' means.
///
/// One training loop serves every method (PyCIL copies it into each model file); a method says
/// only how its network grows (`prepare`), what its loss is (`loss`) and what it does after
/// training (`finishTraining`, `afterTask`). Every method runs on an `ExpandableNetwork`: split
/// `none` is one backbone (Finetune, Replay, iCaRL).
public class Learner {
  public let plan: RunPlan
  public let network: ExpandableNetwork
  public internal(set) var memory = ExemplarMemory()
  /// Classes of the tasks before the current one (PyCIL's `_known_classes`).
  public internal(set) var knownClasses = 0
  /// Classes up to and including the current task (`_total_classes`).
  public internal(set) var totalClasses = 0
  /// The task being trained or last trained; -1 before the first.
  public private(set) var currentTask = -1
  /// The current task's optimizer while it trains (checkpoints read its momentum); nil between
  /// tasks.
  public private(set) var optimizer: SGD?
  /// Whether training assembles the next batch on a background thread. Off, the batches are the
  /// same (`BatchLoader` is deterministic either way); tiny test models turn it off, since a
  /// third busy thread next to oneDNN's OpenMP team on two cores stalls the team's barriers.
  public var prefetchesBatches = true
  /// Probes and checkpoints, called in order at every hook of the loop.
  public var observers: [any TrainingObserver] = []
  /// Herding features a task-0 fork computed (`TaskZeroState.features`), keyed by the training
  /// images they are of: the next memory build takes them instead of a forward pass that would
  /// give the same values, then forgets them.
  var forkFeatures: [[Int]: [[Float]]] = [:]
  /// Batches per epoch of the task being trained (for progress bars).
  public private(set) var batchesPerEpoch = 0
  /// Training images per epoch of the task being trained.
  public private(set) var imagesPerEpoch = 0
  let context: ComputeContext

  required init(plan: RunPlan, context: ComputeContext) throws {
    self.plan = plan
    self.context = context
    network = try ExpandableNetwork(plan.architecture, split: plan.split,
                                    seed: UInt64(truncatingIfNeeded: plan.spec.seed),
                                    context: context)
  }

  /// The learner the plan's `model_name` names.
  public static func make(plan: RunPlan, context: ComputeContext) throws -> Learner {
    let type: Learner.Type = switch plan.spec.modelName {
    case .finetune: Finetune.self
    case .replay: Replay.self
    case .icarl: ICaRL.self
    case .der: DER.self
    case .memo: MEMO.self
    case .joint: Joint.self
    }
    return try type.init(plan: plan, context: context)
  }

  // MARK: Method hooks

  /// Grows the network for task `task` (and freezes what the method freezes).
  func prepare(task: Int) throws {
    try network.addTask(classes: plan.stream.tasks[task].classes.count)
  }

  /// The loss of one batch and its gradients with respect to the logits and auxiliary logits.
  func loss(_ output: ExpandableNetwork.Output, labels: [Int32], input: Tensor) throws
    -> (loss: Double, dLogits: Tensor, dAuxiliary: Tensor?)
  {
    let (loss, d) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: labels, classes: 0..<totalClasses, context: context)
    return (loss, d, nil)
  }

  /// Training images of old classes added to a task's data: the exemplars in memory.
  func rehearsalIndices(data: IncrementalDataset) -> [Int] { memory.allIndices }

  /// After the task's last epoch on `network` (the learner's, or a copy in `trainCopy`), before
  /// the memory is built.
  func finishTraining(task: Int, network: ExpandableNetwork) throws {}

  /// A network the method keeps between tasks besides `network` (iCaRL's teacher); checkpoints
  /// save it.
  var teacher: ExpandableNetwork? { nil }

  /// Rebuilds `teacher` from a checkpoint after the network was restored.
  func restoreTeacher(_ state: ModuleState?) throws {
    if state != nil {
      throw CheckpointMismatch("the checkpoint holds a teacher network, which "
                               + "\(plan.spec.modelName.rawValue) does not keep", field: "teacher")
    }
  }

  /// Whether `evalTask` reports NME (methods with exemplars).
  var evaluatesNearestMean: Bool { plan.spec.modelName.keepsExemplars }

  // MARK: Lifecycle

  /// Grows the network and trains task `task` on its new classes plus the exemplars in memory,
  /// with SGD (momentum 0.9) and the spec's schedule for the first or a later task.
  public func incrementalTrain(task: Int, data: IncrementalDataset,
                               progress: ((EpochReport) -> Void)? = nil) throws
  {
    try beginTask(task)
    try train(data: data, from: 0, momentum: [], progress: progress)
  }

  /// The task starts: the class counts move on and the network grows. A resumed run replays
  /// this for every task up to the checkpoint's, so the network is built exactly as it grew.
  func beginTask(_ task: Int) throws {
    precondition(task == currentTask + 1, "tasks are trained in order: \(currentTask + 1) next")
    currentTask = task
    totalClasses = plan.stream.tasks[task].classes.upperBound
    try prepare(task: task)
  }

  /// Epochs `start...` of the current task, then `finishTraining`. `momentum` (by parameter
  /// name) restores the optimizer of a resumed task; `start` 0 is a task's beginning.
  func train(data: IncrementalDataset, from start: Int, momentum: [NamedArray],
             progress: ((EpochReport) -> Void)?) throws
  {
    let task = currentTask
    let loader = taskLoader(data: data)
    (batchesPerEpoch, imagesPerEpoch) = (loader.batchCount, loader.indices.count)
    let sgd = taskOptimizer(network)
    for (parameter, buffer) in try momentumTargets(momentum) {
      sgd.setMomentumBuffer(buffer, of: parameter)
    }
    optimizer = sgd
    defer { optimizer = nil }
    for observer in observers {
      if start == 0 {
        try observer.taskWillTrain(self, task: task)
      } else {
        try observer.taskWillResume(self, task: task, epoch: start)
      }
    }
    try epochs(network, loader: loader, optimizer: sgd, from: start, observed: true,
               progress: progress)
    try finishTraining(task: task, network: network)
  }

  /// Trains `network` — a copy of the learner's network at the start of the current task, with
  /// the same classifier shape, and possibly more blocks frozen — on the task exactly as the
  /// learner trains its own: the same images (the task's plus the memory it trains with), batch
  /// order, augmentation, loss, schedule and `finishTraining`. The learner, its network and its
  /// observers are untouched. For probes that retrain part of the network (`taskWillTrain` is
  /// the moment: the memory is then still the one the task trains with).
  /// - Precondition: the current task is training (called from a `TrainingObserver` hook).
  public func trainCopy(_ network: ExpandableNetwork, data: IncrementalDataset) throws {
    precondition(optimizer != nil, "trainCopy is called while the current task trains")
    precondition(network !== self.network, "trainCopy trains a copy, not the learner's network")
    try epochs(network, loader: taskLoader(data: data), optimizer: taskOptimizer(network),
               from: 0, observed: false, progress: nil)
    try finishTraining(task: currentTask, network: network)
  }

  /// The current task's training batches: its new classes plus `rehearsalIndices`, shuffled
  /// with the spec's seed + task.
  private func taskLoader(data: IncrementalDataset) -> BatchLoader {
    let task = currentTask
    let indices = plan.stream.trainingIndices(task: task, labels: data.train.labels,
                                              exemplars: rehearsalIndices(data: data))
    return BatchLoader(
      dataset: data.train, indices: indices, classOrder: plan.stream.order,
      batchSize: plan.spec.batchSize, shuffle: true, augmentation: data.trainAugmentation,
      seed: UInt64(truncatingIfNeeded: plan.spec.seed) &+ UInt64(task), prefetch: prefetchesBatches)
  }

  /// SGD (momentum 0.9) over `network`'s trainable parameters with the current task's base rate
  /// and weight decay (the first task's or the later tasks').
  private func taskOptimizer(_ network: ExpandableNetwork) -> SGD {
    let first = currentTask == 0
    let decay = first ? plan.spec.initialWeightDecay : plan.spec.weightDecay
    return SGD(groups: [ParameterGroup(network.parameters.filter(\.isTrainable),
                                       weightDecay: Float(decay))],
               learningRate: Float(first ? plan.spec.initialLearningRate : plan.spec.learningRate))
  }

  /// Epochs `start...` of the current task on `network`; `observed`: the observers see every
  /// backward and epoch (the learner's own training only).
  private func epochs(_ network: ExpandableNetwork, loader: BatchLoader, optimizer sgd: SGD,
                      from start: Int, observed: Bool, progress: ((EpochReport) -> Void)?) throws
  {
    let task = currentTask
    let spec = plan.spec
    let epochs = spec.trainingEpochs(task: task)
    let rate = task == 0 ? spec.initialLearningRate : spec.learningRate
    let schedule = spec.schedule(task: task)
    let observers = observed ? self.observers : []
    // Steps count from the task's start, as in an uninterrupted run.
    var step = start * loader.batchCount
    precondition(start <= epochs, "task \(task) has \(epochs) epochs, cannot start at \(start)")
    for epoch in start..<epochs {
      let lr = schedule.rate(base: rate, epoch: epoch)
      sgd.learningRate = Float(lr)
      network.setTraining(true)
      var total = 0.0, correct = 0, seen = 0
      let batches = loader.batches(epoch: epoch)
      while let batch = try batches.next() {
        let x = try images(batch)
        let output = try network(x, recording: true)
        let (loss, dLogits, dAuxiliary) = try self.loss(output, labels: batch.labels, input: x)
        try network.checkLoss(loss, step: step, input: x)
        try network.backward(dLogits, auxiliary: dAuxiliary)
        for observer in observers { try observer.didBackward(self, step: step) }
        sgd.step()
        sgd.zeroGradients()
        let predictions = try argmax(output.logits)
        correct += zip(predictions, batch.labels).filter { $0 == Int($1) }.count
        total += loss * Double(batch.count)
        seen += batch.count
        step += 1
      }
      let report = EpochReport(
        task: task, epoch: epoch, epochs: epochs, learningRate: lr,
        loss: seen == 0 ? .nan : total / Double(seen),
        trainingAccuracy: seen == 0 ? .nan : Double(correct) / Double(seen))
      for observer in observers { try observer.epochDidEnd(self, report: report) }
      progress?(report)
    }
  }

  /// Reduces the old classes' exemplars to the quota and herds the new classes' (PyCIL's
  /// `build_rehearsal_memory`); a method without exemplars keeps none.
  public func buildRehearsalMemory(data: IncrementalDataset) throws {
    defer { forkFeatures = [:] }
    guard plan.memory != .none else { return }
    let quota = plan.memory.quota(seenClasses: totalClasses)
    let pools = herdingPools(task: currentTask, data: data)
    try memory.build(
      quota: quota, newClasses: plan.stream.tasks[currentTask].classes,
      candidates: { pools[$0]! },
      features: { try self.forkFeatures[$0] ?? self.herdingFeatures(of: $0, data: data) })
  }

  /// The training images herding chooses each class's exemplars from, by class position, for
  /// the classes of `task`.
  func herdingPools(task: Int, data: IncrementalDataset) -> [Int: [Int]] {
    let byClass = data.train.indicesByClass()
    let order = plan.stream.order.order
    return Dictionary(uniqueKeysWithValues: plan.stream.tasks[task].classes.map {
      ($0, byClass[order[$0]])
    })
  }

  /// The features herding and the class means use: the network's, in eval mode, with the test
  /// transform.
  func herdingFeatures(of indices: [Int], data: IncrementalDataset) throws -> [[Float]] {
    try forward(indices, dataset: data.train, augmentation: data.testAugmentation,
                through: network).features
  }

  /// Top-1 accuracy on the test images of every class seen: with the classifier (CNN) and, for
  /// methods with exemplars, with the nearest class mean (NME) on L2-normalized features.
  public func evalTask(data: IncrementalDataset) throws -> TaskEvaluation {
    let (indices, labels) = seenTestImages(data)
    let tasks = plan.stream.tasks[0...currentTask].map(\.classes)
    let (logits, features) = try forward(indices, dataset: data.test,
                                         augmentation: data.testAugmentation, through: network)
    let cnn = TaskAccuracy(predictions: logits.map(Self.argmax), labels: labels, tasks: tasks)
    var nme: TaskAccuracy?
    if evaluatesNearestMean, let means = nearestMeanClassifier() {
      let predictions = features.map { feature in
        let v = Herding.normalized(feature)
        return means.indices.min { distance(v, means[$0]) < distance(v, means[$1]) }!
      }
      nme = TaskAccuracy(predictions: predictions, labels: labels, tasks: tasks)
    }
    return TaskEvaluation(task: currentTask, cnn: cnn, nme: nme)
  }

  /// Top-1 accuracy of the classifier of `network` — the learner's network or a variant with
  /// the same classes, such as a probe's intervention on it — on the test images `evalTask`
  /// scores, grouped by `groups` of class positions (e.g. the old and the new classes).
  public func classifierAccuracy(of network: ExpandableNetwork, data: IncrementalDataset,
                                 groups: [Range<Int>]) throws -> TaskAccuracy
  {
    let (indices, labels) = seenTestImages(data)
    let logits = try forward(indices, dataset: data.test, augmentation: data.testAugmentation,
                             through: network).logits
    return TaskAccuracy(predictions: logits.map(Self.argmax), labels: labels, tasks: groups)
  }

  /// The test images of every class seen up to the current task, and their class positions.
  private func seenTestImages(_ data: IncrementalDataset) -> (indices: [Int], labels: [Int]) {
    let stream = plan.stream
    let indices = stream.testIndices(task: currentTask, labels: data.test.labels)
    return (indices, indices.map { Int(stream.order.positions[Int(data.test.labels[$0])]) })
  }

  /// The new classes become known (PyCIL's `after_task`).
  public func afterTask() throws {
    knownClasses = totalClasses
  }

  // MARK: Helpers

  /// Class means of every seen class, by position; nil when a class has none.
  private func nearestMeanClassifier() -> [[Float]]? {
    var means: [[Float]] = []
    for c in 0..<totalClasses {
      guard let mean = memory.classMeans[c] else { return nil }
      means.append(mean)
    }
    return means
  }

  private func distance(_ v: [Double], _ mean: [Float]) -> Double {
    zip(v, mean).reduce(0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }
  }

  /// A batch's images as an N×C×H×W tensor.
  func images(_ batch: Batch) throws -> Tensor {
    let s = batch.imageShape
    return try Tensor(shape: [batch.count, s.channels, s.height, s.width], scalars: batch.images,
                      context: context)
  }

  /// Logits and features of `indices` through `network` (the learner's, or a variant of it) in
  /// eval mode, in order, without augmentation beyond `augmentation` (the test transform). The
  /// network is left in eval mode.
  func forward(_ indices: [Int], dataset: any ImageDataset, augmentation: Augmentation,
               through network: ExpandableNetwork) throws
    -> (logits: [[Float]], features: [[Float]])
  {
    guard !indices.isEmpty else { return ([], []) }
    network.setTraining(false)
    let loader = BatchLoader(dataset: dataset, indices: indices, batchSize: plan.spec.batchSize,
                             shuffle: false, augmentation: augmentation, prefetch: false)
    var logits: [[Float]] = [], features: [[Float]] = []
    let batches = loader.batches(epoch: 0)
    while let batch = try batches.next() {
      let output = try network(try images(batch), recording: false)
      logits += try rows(output.logits)
      features += try rows(output.features)
    }
    return (logits, features)
  }

  func rows(_ t: Tensor) throws -> [[Float]] {
    let (n, k) = (t.shape[0], t.shape[1])
    let values = try t.scalars(context: context)
    return (0..<n).map { Array(values[$0 * k..<($0 + 1) * k]) }
  }

  func argmax(_ logits: Tensor) throws -> [Int] { try rows(logits).map(Self.argmax) }

  /// The first index of the largest value (as `torch.max`/`argmax` on CPU).
  static func argmax(_ row: [Float]) -> Int {
    var best = 0
    for i in row.indices where row[i] > row[best] { best = i }
    return best
  }
}

/// One epoch's summary, for progress output.
public struct EpochReport: Sendable, Equatable {
  public var task: Int
  public var epoch: Int
  public var epochs: Int
  public var learningRate: Double
  /// Mean loss over the epoch's samples.
  public var loss: Double
  /// Fraction of the epoch's training samples the classifier got right.
  public var trainingAccuracy: Double
}

/// What `evalTask` measures after one task.
public struct TaskEvaluation: Sendable, Equatable {
  public var task: Int
  public var cnn: TaskAccuracy
  /// Nil for a method without exemplars.
  public var nme: TaskAccuracy?
}
