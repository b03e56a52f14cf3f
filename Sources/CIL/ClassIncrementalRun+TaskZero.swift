import Data
import NN
import Tensor

extension ClassIncrementalRun {
  /// Learners whose task 0 is the same whatever the split: plain cross-entropy on the
  /// seed's `ExpandableNetwork`, nothing learner-specific yet — the expanding ones (MEMO at any
  /// split, `none` included, and DER) and the one-backbone iCaRL and Replay, whose distillation
  /// and rehearsal start at task 1 (`TaskZeroForkTests` shows each continued run equal to an
  /// independent one bit for bit).
  public static let taskZeroSharing: Set<LearnerKind> = [.memo, .der, .icarl, .replay]

  /// "MEMO, DER, iCaRL and Replay runs", for messages.
  static var sharingNames: String { "MEMO, DER, iCaRL and Replay runs" }

  /// Trains task 0 of `plan` up to the fork point (`TaskZeroState`), once for every run whose
  /// `TaskZeroKey` is equal. It trains the DER-shaped network (split `stem`): its task 0 is the
  /// computation of every split's, and it has the auxiliary head the expanding splits carry.
  /// `threads` and `convolution` are this process's, which the key records.
  public static func trainTaskZero(plan: RunPlan, data: IncrementalDataset,
                                   context: ComputeContext, threads: Int, convolution: String,
                                   prefetchesBatches: Bool = true,
                                   progress: ((EpochReport) -> Void)? = nil) throws -> TaskZeroState
  {
    guard taskZeroSharing.contains(plan.spec.modelName) else {
      throw CheckpointMismatch("task 0 is shared by \(Self.sharingNames); \(plan.spec.modelName.rawValue) "
                               + "trains its own", field: "method")
    }
    var spec = plan.spec
    spec.modelName = .der
    spec.split = nil
    spec.memoryBudget = nil
    spec.warnings = []
    let forkPlan = try RunPlan(spec, architecture: plan.architecture,
                               classCount: plan.stream.order.classCount, image: plan.ledger.image,
                               file: "task-0 fork of \(plan.spec.dataset)")
    let learner = try Learner.make(plan: forkPlan, context: context)
    learner.prefetchesBatches = prefetchesBatches
    try learner.incrementalTrain(task: 0, data: data, progress: progress)
    let network = TaskZeroState.plainNames(learner.network.state())
    // Herding's features of task 0's classes are the same in every continuing run (the same
    // network in eval mode over the same images): computed here once instead of once per run.
    let pools = learner.herdingPools(task: 0, data: data)
    let features = try plan.stream.tasks[0].classes.map {
      try learner.herdingFeatures(of: pools[$0]!, data: data)
    }
    return TaskZeroState(key: TaskZeroKey(plan: plan, threads: threads, convolution: convolution),
                         classes: plan.stream.tasks[0].classes.count,
                         epochs: plan.spec.trainingEpochs(task: 0), network: network,
                         features: features)
  }

  /// A run of `plan` that continues from the fork: `run` builds task 0's memory (with this
  /// run's budget), evaluates task 0 and trains the later tasks. Its results and weights equal,
  /// bit for bit, those of an independent run of `plan` at the same thread count and
  /// convolution setting. The fork must have `plan`'s key at `threads` and `convolution`.
  public convenience init(continuing fork: TaskZeroState, plan: RunPlan, data: IncrementalDataset,
                          context: ComputeContext, threads: Int, convolution: String) throws
  {
    guard Self.taskZeroSharing.contains(plan.spec.modelName) else {
      throw CheckpointMismatch("task 0 is shared by \(Self.sharingNames); \(plan.spec.modelName.rawValue) "
                               + "trains its own", field: "method")
    }
    let key = TaskZeroKey(plan: plan, threads: threads, convolution: convolution)
    guard key == fork.key else {
      throw CheckpointMismatch("the task-0 state was trained with other settings: "
        + fork.key.differences(from: key).joined(separator: ", ") + " differ", field: "key")
    }
    let tasks = plan.stream.count
    let checkpoint = RunCheckpoint(
      position: RunPosition(task: 0, epochsCompleted: fork.epochs, taskComplete: false),
      taskSizes: [fork.classes], knownClasses: 0, totalClasses: fork.classes,
      network: fork.network(split: plan.split, architecture: plan.architecture), momentum: [],
      teacher: nil, memory: ExemplarMemory(),
      result: RunResult(cnn: AccuracyMatrix(taskCount: tasks),
                        nme: plan.spec.modelName.keepsExemplars ? AccuracyMatrix(taskCount: tasks) : nil))
    try self.init(resuming: checkpoint, plan: plan, data: data, context: context)
    if !fork.features.isEmpty {
      let pools = learner.herdingPools(task: 0, data: data)
      let classes = plan.stream.tasks[0].classes
      guard fork.features.count == classes.count,
            zip(classes, fork.features).allSatisfy({ pools[$0]!.count == $1.count })
      else {
        throw CheckpointMismatch("the task-0 state's herding features are for "
          + "\(fork.features.map(\.count)) images per class; the data has "
          + "\(classes.map { pools[$0]!.count })", field: "features")
      }
      learner.forkFeatures = Dictionary(uniqueKeysWithValues: zip(classes.map { pools[$0]! },
                                                                  fork.features))
    }
  }
}
