import NN
import Tensor

/// iCaRL (Rebuffi, Kolesnikov, Sperl, Lampert, "iCaRL: Incremental Classifier and
/// Representation Learning", CVPR 2017), as PyCIL's `models/icarl.py`: one backbone;
/// cross-entropy over all seen classes plus knowledge distillation (`_KD_loss`, T = 2) of the
/// logits of the old classes against the network as it was after the previous task (frozen, eval
/// mode); herded exemplars; nearest-mean-of-exemplars classification.
public final class ICaRL: Learner {
  /// The network after the previous task; nil during the first.
  private(set) var oldNetwork: ExpandableNetwork?

  override func loss(_ output: ExpandableNetwork.Output, labels: [Int32], input: Tensor) throws
    -> (loss: Double, dLogits: Tensor, dAuxiliary: Tensor?)
  {
    let (ce, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: labels, classes: 0..<totalClasses, context: context)
    guard let oldNetwork, knownClasses > 0 else { return (ce, dLogits, nil) }
    let targets = try oldNetwork(input, recording: false).logits
    let n = labels.count
    let current = try output.logits.columns(0..<knownClasses, context: context)
    let (kd, dOld) = try Distillation.forwardBackward(
      logits: current, targets: targets, temperature: plan.spec.temperature, context: context)
    // dLogits is plain N×C (SoftmaxCrossEntropy's own); add the old columns' KD gradient.
    let g = dLogits.memory.floats, add = try dOld.scalars(context: context)
    for row in 0..<n {
      for c in 0..<knownClasses { g[row * totalClasses + c] += add[row * knownClasses + c] }
    }
    return (ce + kd, dLogits, nil)
  }

  /// Keeps a frozen copy of the network for the next task's distillation.
  override public func afterTask() throws {
    try super.afterTask()
    oldNetwork = try network.frozenCopy()
  }

  override var teacher: ExpandableNetwork? { oldNetwork }

  /// The teacher of a checkpoint: the network as it was after the last finished task.
  override func restoreTeacher(_ state: ModuleState?) throws {
    let finished = plan.stream.tasks.prefix { $0.classes.upperBound <= knownClasses }.count
    guard (state != nil) == (finished > 0) else {
      throw CheckpointMismatch(finished > 0
        ? "iCaRL after \(finished) finished tasks needs its teacher network; the checkpoint has none"
        : "the checkpoint holds a teacher network before any task finished", field: "teacher")
    }
    guard let state else { return }
    let copy = try network.frozenShell(taskSizes: Array(network.taskSizes.prefix(finished)))
    do {
      try copy.loadState(state)
    } catch var error {
      error.section = "teacher/" + error.section
      throw error
    }
    oldNetwork = copy
  }
}
