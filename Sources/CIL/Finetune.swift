import NN
import Tensor

/// Fine-tuning, the lower bound (PyCIL's `models/finetune.py`): one backbone, no exemplars; in
/// later tasks the cross-entropy covers only the new classes
/// (`F.cross_entropy(logits[:, known:], targets − known)`).
public final class Finetune: Learner {
  override func loss(_ output: ExpandableNetwork.Output, labels: [Int32], input: Tensor) throws
    -> (loss: Double, dLogits: Tensor, dAuxiliary: Tensor?)
  {
    let (loss, d) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: labels, classes: knownClasses..<totalClasses,
      context: context)
    return (loss, d, nil)
  }
}
