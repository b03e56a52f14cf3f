/// The class-incremental methods Strata trains, by their PyCIL `model_name`.
public enum LearnerKind: String, CaseIterable, Sendable {
  /// Fine-tuning on the new classes only: the lower bound.
  case finetune
  /// Fine-tuning on new data plus exemplars of the old classes.
  case replay
  /// iCaRL (Rebuffi et al., CVPR 2017): cross-entropy plus distillation, NME classification.
  case icarl
  /// Dynamically Expandable Representation (Yan et al., CVPR 2021): a backbone per task.
  case der
  /// MEMO (Zhou et al., ICLR 2023): shared shallow blocks, a deep branch per task.
  case memo

  /// Joint training on every class seen so far with all their data: the upper bound.
  case joint

  /// Whether the method keeps exemplars (Finetune keeps none; Joint keeps all the data instead).
  public var keepsExemplars: Bool { self != .finetune && self != .joint }
}
