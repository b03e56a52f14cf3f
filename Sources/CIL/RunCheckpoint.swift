import NN

/// Where a run stands when a checkpoint is taken.
public struct RunPosition: Sendable, Equatable {
  /// The task being trained, or just finished (0-based).
  public var task: Int
  /// Epochs of `task` completed.
  public var epochsCompleted: Int
  /// The task is finished: trained, memory built, evaluated, `afterTask` done and its results
  /// recorded. A resumed run starts the next task.
  public var taskComplete: Bool

  public init(task: Int, epochsCompleted: Int, taskComplete: Bool) {
    self.task = task
    self.epochsCompleted = epochsCompleted
    self.taskComplete = taskComplete
  }
}

/// Everything a class-incremental run needs to continue after its process died: the network's
/// values, the optimizer's momentum, the exemplar memory, the class counts and the results so
/// far. The network's structure is not stored: it is rebuilt by replaying `addTask` for the
/// tasks up to `position.task` (`taskSizes`), which also leaves the network's seeded generator
/// where the uninterrupted run had it. Batches need no state: `BatchLoader` derives every epoch's
/// order and augmentation from (seed + task, epoch).
public struct RunCheckpoint: Sendable {
  public var position: RunPosition
  /// Classes added by each task so far (`ExpandableNetwork.taskSizes`).
  public var taskSizes: [Int]
  /// `Learner.knownClasses` and `totalClasses`.
  public var knownClasses: Int
  public var totalClasses: Int
  public var network: ModuleState
  /// SGD momentum buffers of the task's optimizer, by parameter name, for the parameters that
  /// have taken a step (PyTorch's `optimizer.state[p]["momentum_buffer"]`); empty at a task's end.
  public var momentum: [NamedArray]
  /// A network the method keeps between tasks (iCaRL's frozen teacher); nil for the others.
  public var teacher: ModuleState?
  public var memory: ExemplarMemory
  /// The rows of the tasks finished so far.
  public var result: RunResult

  public init(position: RunPosition, taskSizes: [Int], knownClasses: Int, totalClasses: Int,
              network: ModuleState, momentum: [NamedArray], teacher: ModuleState?,
              memory: ExemplarMemory, result: RunResult)
  {
    self.position = position
    self.taskSizes = taskSizes
    self.knownClasses = knownClasses
    self.totalClasses = totalClasses
    self.network = network
    self.momentum = momentum
    self.teacher = teacher
    self.memory = memory
    self.result = result
  }

  /// The first task a resumed run trains from its beginning.
  public var nextTask: Int { position.taskComplete ? position.task + 1 : position.task }
}

/// A checkpoint that does not fit the run resuming from it (another spec, data or method).
public struct CheckpointMismatch: Error, CustomStringConvertible, Equatable, Sendable {
  public var message: String
  /// The part of the checkpoint at fault, by `RunCheckpoint` property (`position.task`,
  /// `taskSizes`, `result`, `teacher`), so a file reader can name where it is stored.
  public var field: String?

  public init(_ message: String, field: String? = nil) {
    self.message = message
    self.field = field
  }

  public var description: String { message }
}
