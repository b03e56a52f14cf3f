/// Takes a checkpoint of a run after every epoch and at every task's end and hands it to
/// `save` (which writes it: `Recording.RunCheckpointFile`). Attach with `attach(to:)`.
public final class Checkpointer: TrainingObserver {
  /// Weak: the run holds its learner, which holds its observers.
  private weak var run: ClassIncrementalRun?
  private let save: (RunCheckpoint) throws -> Void

  public init(save: @escaping (RunCheckpoint) throws -> Void) {
    self.save = save
  }

  /// Observes `run`'s learner from now on.
  public func attach(to run: ClassIncrementalRun) {
    self.run = run
    run.learner.observers.append(self)
  }

  public func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
    try take(RunPosition(task: report.task, epochsCompleted: report.epoch + 1,
                         taskComplete: false))
  }

  public func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
    guard let run else { return }
    try take(RunPosition(task: evaluation.task,
                         epochsCompleted: run.plan.spec.trainingEpochs(task: evaluation.task),
                         taskComplete: true))
  }

  private func take(_ position: RunPosition) throws {
    guard let run else { return }
    try save(run.checkpoint(at: position))
  }
}
