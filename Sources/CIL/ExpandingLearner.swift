import NN
import Tensor

/// What DER and MEMO share: a new branch per task (the older ones frozen, in eval mode, by
/// `ExpandableNetwork.addTask`), the loss CE + α·auxiliary CE in later tasks, and weight
/// aligning after each later task.
///
/// The auxiliary head sees the newest branch's features and has the task's new classes plus one
/// "old" output: its labels are y − known + 1 for new classes and 0 for old ones (PyCIL's
/// `aux_targets = torch.where(aux_targets − known + 1 > 0, aux_targets − known + 1, 0)`).
public class ExpandingLearner: Learner {
  override func loss(_ output: ExpandableNetwork.Output, labels: [Int32], input: Tensor) throws
    -> (loss: Double, dLogits: Tensor, dAuxiliary: Tensor?)
  {
    let (ce, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: labels, classes: 0..<totalClasses, context: context)
    guard currentTask > 0, let auxiliary = output.auxiliaryLogits else { return (ce, dLogits, nil) }
    let known = Int32(knownClasses)
    let auxiliaryLabels = labels.map { $0 >= known ? $0 - known + 1 : 0 }
    let (aux, dAux) = try SoftmaxCrossEntropy.forwardBackward(
      logits: auxiliary, labels: auxiliaryLabels, classes: 0..<auxiliary.shape[1],
      context: context)
    let alpha = plan.spec.auxiliaryWeight
    if alpha != 1 {
      let g = dAux.memory.floats
      for i in 0..<dAux.count { g[i] *= Float(alpha) }
    }
    return (ce + alpha * aux, dLogits, dAux)
  }

  /// Weight aligning (Zhao et al., CVPR 2020) after every task but the first.
  override func finishTraining(task: Int, network: ExpandableNetwork) throws {
    if task > 0 { network.alignClassifierWeights() }
  }
}
