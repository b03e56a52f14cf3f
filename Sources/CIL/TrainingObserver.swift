/// Sees the training loop from inside. Probes and checkpoints attach here, so any learner can be
/// probed or checkpointed without a copy of the loop. Every hook may throw; the error ends the
/// run. The default implementations do nothing.
public protocol TrainingObserver: AnyObject {
  /// After the network grew for `task` and before its first epoch.
  func taskWillTrain(_ learner: Learner, task: Int) throws
  /// Instead of `taskWillTrain` when a run resumes `task` from a checkpoint at `epoch` (> 0):
  /// the network holds the values after `epoch` epochs, not the task's starting values.
  func taskWillResume(_ learner: Learner, task: Int, epoch: Int) throws
  /// After backward and before the optimizer step: the trainable parameters hold this batch's
  /// gradients. `step` counts the task's iterations from 0.
  func didBackward(_ learner: Learner, step: Int) throws
  /// After an epoch's last optimizer step.
  func epochDidEnd(_ learner: Learner, report: EpochReport) throws
  /// After the task's training, memory, evaluation and `afterTask`.
  func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws
}

extension TrainingObserver {
  public func taskWillTrain(_ learner: Learner, task: Int) throws {}
  public func taskWillResume(_ learner: Learner, task: Int, epoch: Int) throws {}
  public func didBackward(_ learner: Learner, step: Int) throws {}
  public func epochDidEnd(_ learner: Learner, report: EpochReport) throws {}
  public func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {}
}
