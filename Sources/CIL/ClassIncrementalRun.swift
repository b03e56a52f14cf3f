import Data
import NN
import Tensor

/// One class-incremental run: every task of the plan's stream through the learner's lifecycle,
/// with the accuracy matrices and the memory ledger after every task.
public final class ClassIncrementalRun {
  public let plan: RunPlan
  public let data: IncrementalDataset
  public let learner: Learner

  public init(plan: RunPlan, data: IncrementalDataset, context: ComputeContext) throws {
    precondition(plan.stream.order.classCount == data.classCount,
                 "the plan is for \(plan.stream.order.classCount) classes, the data has \(data.classCount)")
    self.plan = plan
    self.data = data
    learner = try Learner.make(plan: plan, context: context)
  }

  /// Trains every task; `progress` sees every epoch and every evaluation.
  public func run(progress: ((RunEvent) -> Void)? = nil) throws -> RunResult {
    let count = plan.stream.count
    var result = RunResult(cnn: AccuracyMatrix(taskCount: count),
                           nme: learner.evaluatesNearestMean ? AccuracyMatrix(taskCount: count) : nil)
    for task in 0..<count {
      try learner.incrementalTrain(task: task, data: data) { progress?(.epoch($0)) }
      try learner.buildRehearsalMemory(data: data)
      let evaluation = try learner.evalTask(data: data)
      try learner.afterTask()
      for observer in learner.observers {
        try observer.taskDidEnd(learner, evaluation: evaluation)
      }
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
      progress?(.evaluated(evaluation, entry))
    }
    return result
  }
}

/// What a run reports as it goes.
public enum RunEvent: Sendable {
  case epoch(EpochReport)
  case evaluated(TaskEvaluation, LedgerEntry)
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
