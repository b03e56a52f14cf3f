import Data
import NN
import Tensor

/// One class-incremental run: every task of the plan's stream through the learner's lifecycle,
/// with the accuracy matrices and the memory ledger after every task.
public final class ClassIncrementalRun {
  public let plan: RunPlan
  public let data: IncrementalDataset
  public let learner: Learner
  /// The rows of the tasks finished so far.
  public private(set) var result: RunResult
  /// The first task `run` trains.
  public private(set) var nextTask = 0
  /// A task restored mid-way, which `run` continues instead of starting.
  private var resumed: RunCheckpoint?

  public init(plan: RunPlan, data: IncrementalDataset, context: ComputeContext) throws {
    precondition(plan.stream.order.classCount == data.classCount,
                 "the plan is for \(plan.stream.order.classCount) classes, the data has \(data.classCount)")
    try data.checkEveryClassPresent()
    self.plan = plan
    self.data = data
    learner = try Learner.make(plan: plan, context: context)
    let count = plan.stream.count
    result = RunResult(cnn: AccuracyMatrix(taskCount: count),
                       nme: learner.evaluatesNearestMean ? AccuracyMatrix(taskCount: count) : nil)
  }

  /// A run that continues from `checkpoint` as if it had never stopped: `run` trains the
  /// remaining epochs and tasks, and its results and weights equal (bitwise, with the same
  /// thread count) those of an uninterrupted run.
  public convenience init(resuming checkpoint: RunCheckpoint, plan: RunPlan,
                          data: IncrementalDataset, context: ComputeContext) throws
  {
    try self.init(plan: plan, data: data, context: context)
    // The position first: the results are checked against it.
    guard (0..<plan.stream.count).contains(checkpoint.position.task) else {
      throw CheckpointMismatch("the checkpoint is at task \(checkpoint.position.task); the run has "
                               + "\(plan.stream.count) tasks", field: "position.task")
    }
    let finished = checkpoint.position.taskComplete ? checkpoint.position.task + 1
      : checkpoint.position.task
    let saved = checkpoint.result
    guard saved.cnn.tasksSeen == finished, saved.cnn.taskCount == plan.stream.count,
          saved.ledger.count == finished, (saved.nme == nil) == (result.nme == nil),
          saved.nme.map({ $0.tasksSeen == finished && $0.taskCount == plan.stream.count }) ?? true
    else {
      throw CheckpointMismatch("the checkpoint's results have \(saved.cnn.tasksSeen) of "
        + "\(saved.cnn.taskCount) rows (NME \(saved.nme == nil ? "absent" : "present")); after "
        + "\(finished) finished tasks of \(plan.stream.count) the run expects \(finished) "
        + "(NME \(result.nme == nil ? "absent" : "present"))", field: "result")
    }
    try learner.restore(checkpoint)
    result = saved
    nextTask = checkpoint.nextTask
    resumed = checkpoint.position.taskComplete ? nil : checkpoint
  }

  /// Trains every remaining task; `progress` sees every epoch and every evaluation.
  public func run(progress: ((RunEvent) -> Void)? = nil) throws -> RunResult {
    while nextTask < plan.stream.count {
      let task = nextTask
      var timing = TaskTiming(task: task)
      let clock = ContinuousClock()
      var start = clock.now
      if let checkpoint = resumed {
        resumed = nil
        try learner.resumeTraining(checkpoint, data: data) { progress?(.epoch($0)) }
      } else {
        try learner.incrementalTrain(task: task, data: data) { progress?(.epoch($0)) }
      }
      timing.training = clock.now - start
      start = clock.now
      try learner.buildRehearsalMemory(data: data)
      timing.memory = clock.now - start
      start = clock.now
      let evaluation = try learner.evalTask(data: data)
      timing.evaluation = clock.now - start
      progress?(.timed(timing))
      try learner.afterTask()
      let entry = record(evaluation)
      nextTask += 1
      for observer in learner.observers {
        try observer.taskDidEnd(learner, evaluation: evaluation)
      }
      progress?(.evaluated(evaluation, entry))
    }
    return result
  }

  /// Appends the task's accuracies and ledger entry to `result`.
  private func record(_ evaluation: TaskEvaluation) -> LedgerEntry {
    let task = evaluation.task
    result.cnn.append(perTask: evaluation.cnn.perTask, total: evaluation.cnn.total)
    if result.nme != nil {
      let nme = evaluation.nme
      result.nme!.append(perTask: nme?.perTask ?? Array(repeating: .nan, count: task + 1),
                         total: nme?.total ?? .nan)
    }
    let entry = LedgerEntry(
      task: task, modelParameters: plan.ledger.modelParameters(split: plan.split, tasks: task + 1),
      networkParameters: learner.network.parameterCount, exemplars: learner.memory.count,
      imageBytes: plan.ledger.imageBytes)
    result.ledger.append(entry)
    return entry
  }

  /// The run's state now, at `position` (which the caller knows: after an epoch, or at a task's
  /// end once its results are recorded).
  public func checkpoint(at position: RunPosition) -> RunCheckpoint {
    RunCheckpoint(
      position: position, taskSizes: learner.network.taskSizes,
      knownClasses: learner.knownClasses, totalClasses: learner.totalClasses,
      network: learner.network.state(), momentum: learner.momentumState(),
      teacher: learner.teacher?.state(), memory: learner.memory, result: result)
  }
}

/// What a run reports as it goes.
public enum RunEvent: Sendable {
  case epoch(EpochReport)
  case evaluated(TaskEvaluation, LedgerEntry)
  /// Where a task's wall time went (reported before its `evaluated`).
  case timed(TaskTiming)
}

/// One task's wall time by phase: training (epochs after a resume only), building the exemplar
/// memory (herding features of the new classes' training images, class means), evaluation.
public struct TaskTiming: Sendable, Equatable {
  public var task: Int
  public var training: Duration = .zero
  public var memory: Duration = .zero
  public var evaluation: Duration = .zero

  public init(task: Int) { self.task = task }

  /// "training 30.1 s, memory 7.2 s, evaluation 0.9 s"
  public var summary: String {
    [("training", training), ("memory", memory), ("evaluation", evaluation)]
      .map { name, d in String(format: "%@ %.1f s", name, d / .seconds(1)) }
      .joined(separator: ", ")
  }
}

/// The memory a method holds after one task (MEMO §3's accounting, `MemoryLedger`).
public struct LedgerEntry: Sendable, Equatable {
  public var task: Int
  /// Backbone parameters, G + T·S (what the ledger counts; no classifier).
  public var modelParameters: Int
  /// Every parameter of the network, classifier and auxiliary head included.
  public var networkParameters: Int
  public var exemplars: Int
  public var imageBytes: Int

  public init(task: Int, modelParameters: Int, networkParameters: Int, exemplars: Int,
              imageBytes: Int)
  {
    self.task = task
    self.modelParameters = modelParameters
    self.networkParameters = networkParameters
    self.exemplars = exemplars
    self.imageBytes = imageBytes
  }

  public var modelBytes: Int { modelParameters * MemoryLedger.bytesPerParameter }
  public var exemplarBytes: Int { exemplars * imageBytes }
  public var totalBytes: Int { modelBytes + exemplarBytes }
}

/// A run's accuracies and ledger.
public struct RunResult: Sendable, Equatable {
  public var cnn: AccuracyMatrix
  /// Nil for a method without exemplars.
  public var nme: AccuracyMatrix?
  public var ledger: [LedgerEntry] = []

  public init(cnn: AccuracyMatrix, nme: AccuracyMatrix?, ledger: [LedgerEntry] = []) {
    self.cnn = cnn
    self.nme = nme
    self.ledger = ledger
  }
}
