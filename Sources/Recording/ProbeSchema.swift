/// The variables of a probe file: one per metric, over named dimensions, each with
/// `long_name`, `units` and `description`. The README's schema table is this list.
public enum ProbeSchema {
  public struct Variable: Sendable {
    public let name: String
    public let dimensions: [String]
    public let longName: String
    public let units: String
    public let description: String
  }

  /// Coordinates: `task` (1-based incremental tasks, unlimited), `epoch` (1-based), `block`
  /// (names in forward order), `task_seen` (0-based task whose classes are evaluated).
  ///
  /// The `head` block (the classifier) grows between tasks: a row per new class (and, in an
  /// expandable model, a column block per new branch). Its gradient norm and per-epoch shift
  /// are over the whole grown head, which exists from the task start; its shift between the ends
  /// of tasks t−1 and t is over the weights and biases that existed at t−1 (the old classes'
  /// rows); its CKA compares the logits of the old classes. The descriptions say so, in the file.
  public static let variables: [Variable] = [
    Variable(name: "grad_norm", dimensions: ["task", "epoch", "block"],
             longName: "block gradient norm", units: "1",
             description: "L2 norm of the loss gradient over the block's trainable parameters, "
               + "averaged over the epoch's iterations"),
    Variable(name: "grad_norm_normalized", dimensions: ["task", "epoch", "block"],
             longName: "size-normalized block gradient norm", units: "1",
             description: "grad_norm divided by the square root of the block's trainable "
               + "parameter count"),
    Variable(name: "param_shift_epoch", dimensions: ["task", "epoch", "block"],
             longName: "parameter shift since the task start", units: "1",
             description: "||theta_b(end of epoch) - theta_b(start of task)|| / "
               + "||theta_b(start of task)||; for head over the whole classifier, grown at the "
               + "task start"),
    Variable(name: "param_shift", dimensions: ["task", "block"],
             longName: "relative parameter shift", units: "1",
             description: "||theta_b(t) - theta_b(t-1)|| / ||theta_b(t-1)|| between the ends "
               + "of tasks t-1 and t; " + headShift),
    Variable(name: "param_cosine_distance", dimensions: ["task", "block"],
             longName: "parameter cosine distance", units: "1",
             description: "1 - cos(theta_b(t), theta_b(t-1)); " + headShift),
    Variable(name: "bn_stat_shift", dimensions: ["task", "block"],
             longName: "batch-norm running statistics shift", units: "1",
             description: "relative L2 shift of the block's running means and variances; NaN "
               + "for blocks without batch norm"),
    Variable(name: "cka_old", dimensions: ["task", "block"],
             longName: "CKA on old-class probe images", units: "1",
             description: "linear CKA between the block's output under theta(t-1) and theta(t) "
               + "on held-out images of the classes seen before task t; " + headCKA),
    Variable(name: "cka_new", dimensions: ["task", "block"],
             longName: "CKA on new-class probe images", units: "1",
             description: "the same on held-out images of task t's classes; " + headCKA),
    Variable(name: "accuracy", dimensions: ["task", "task_seen"],
             longName: "top-1 accuracy by task", units: "1",
             description: "accuracy after task t on the classes of task j (fraction); NaN for "
               + "j > t"),
  ]

  /// The corrected diagnostics (issue 20), written by Strata since they exist; a file without
  /// them reads as NaN. Parameter-space metrics: diagnostics beside 1 - cka_old, never primary.
  public static let correctedVariables: [Variable] = [
    Variable(name: "grad_norm_relative", dimensions: ["task", "epoch", "block"],
             longName: "block gradient norm relative to the parameter norm", units: "1",
             description: "||grad theta_b L|| / ||theta_b|| over the block's trainable "
               + "parameters, averaged over the epoch's iterations (unlike "
               + "grad_norm_normalized, it does not scale as 1/sqrt(fan-in) under batch norm)"),
    Variable(name: "filter_angle_shift", dimensions: ["task", "block"],
             longName: "per-filter angle change of convolutions followed by batch norm",
             units: "rad",
             description: "mean over the block's convolution filters that feed a batch norm of "
               + "the angle between the filter at the end of task t-1 and at the end of task t "
               + "(batch norm divides out the filter's norm, so only its direction changes the "
               + "block's function); NaN for the head and blocks without such filters"),
    Variable(name: "bn_affine_shift", dimensions: ["task", "block"],
             longName: "batch-norm affine parameter shift", units: "1",
             description: "||(gamma, beta)(t) - (gamma, beta)(t-1)|| / ||(gamma, beta)(t-1)|| "
               + "over the block's batch norms, between the ends of tasks t-1 and t; NaN for the "
               + "head and blocks without batch norm"),
  ]

  static let headShift = "for head (the classifier, which grows by a row per new class) over "
    + "the weights and biases that existed at the end of task t-1, i.e. the old classes' rows"
  static let headCKA = "for head on the logits of the classes seen before task t (the outputs "
    + "both models have)"

  /// With per-iteration recording: over the unlimited `iteration` axis (1-based, counting the
  /// recorded iterations of every task t ≥ 1 in order), the block norms of each iteration and
  /// where it lies (task, 1-based epoch, 0-based step within the task).
  public static let iterationVariables: [Variable] = [
    Variable(name: "grad_norm_iteration", dimensions: ["iteration", "block"],
             longName: "block gradient norm per iteration", units: "1",
             description: "L2 norm of one iteration's loss gradient over the block's trainable "
               + "parameters, after backward and before the optimizer step"),
    Variable(name: "grad_norm_normalized_iteration", dimensions: ["iteration", "block"],
             longName: "size-normalized block gradient norm per iteration", units: "1",
             description: "grad_norm_iteration divided by the square root of the block's "
               + "trainable parameter count"),
    Variable(name: "iteration_task", dimensions: ["iteration"],
             longName: "task of the iteration", units: "1", description: "1-based incremental task"),
    Variable(name: "iteration_epoch", dimensions: ["iteration"],
             longName: "epoch of the iteration", units: "1", description: "1-based epoch within the task"),
    Variable(name: "iteration_step", dimensions: ["iteration"],
             longName: "step of the iteration", units: "1",
             description: "0-based optimizer step within the task"),
  ]

  /// With the rewind probe (`BlockRewind`): over the `split` axis (legal split names in forward
  /// order, `stem` … `none`), the accuracy of θ(t) with every body block from the split onward
  /// rewound to θ(t−1).
  public static let rewindVariables: [Variable] = [
    Variable(name: "rewind_old_accuracy", dimensions: ["task", "split"],
             longName: "old-class accuracy with blocks rewound", units: "1",
             description: "top-1 accuracy (fraction) on the test images of the classes seen "
               + "before task t, of the network after task t with every body block from the "
               + "split onward set back to its values at the end of task t-1; " + rewoundHead),
    Variable(name: "rewind_new_accuracy", dimensions: ["task", "split"],
             longName: "new-class accuracy with blocks rewound", units: "1",
             description: "the same on the test images of task t's classes; " + rewoundHead),
  ]

  static let rewoundHead = "the classifier is never rewound (the old one lacks the new "
    + "classes): split stem rewinds everything but the head, split none is the network after task t"

  /// With the retrain probe (`BlockRetrain`): over the same `split` axis, the accuracy of
  /// θ(t−1), grown for task t, after training task t with every body block before the split
  /// frozen.
  public static let retrainVariables: [Variable] = [
    Variable(name: "retrain_old_accuracy", dimensions: ["task", "split"],
             longName: "old-class accuracy with blocks retrained", units: "1",
             description: "top-1 accuracy (fraction) on the test images of the classes seen "
               + "before task t, of the network at the end of task t-1 grown for task t's classes "
               + "and trained on task t as the learner trains it (same data, loss, schedule, "
               + "seed), with every body block before the split frozen; " + retrainedHead),
    Variable(name: "retrain_new_accuracy", dimensions: ["task", "split"],
             longName: "new-class accuracy with blocks retrained", units: "1",
             description: "the same on the test images of task t's classes; " + retrainedHead),
  ]

  static let retrainedHead = "the classifier always trains: split stem trains what the "
    + "learner trains, split none only the classifier"

  /// The probes over the `split` axis, each with its pair of variables.
  public enum SplitProbe: String, Sendable, CaseIterable {
    case rewind, retrain

    public var variables: [Variable] {
      switch self {
      case .rewind: ProbeSchema.rewindVariables
      case .retrain: ProbeSchema.retrainVariables
      }
    }
  }

  /// With the block × block CKA matrix: over `block_a` (the model before the task) and
  /// `block_b` (after it), both the block names.
  public static let ckaMatrixVariables: [Variable] = [
    Variable(name: "cka_matrix_old", dimensions: ["task", "block_a", "block_b"],
             longName: "block x block CKA on old-class probe images", units: "1",
             description: "linear CKA between the output of block_a under theta(t-1) and the "
               + "output of block_b under theta(t) on held-out images of the classes seen "
               + "before task t; the diagonal is cka_old; NaN where a block has no variance"),
    Variable(name: "cka_matrix_new", dimensions: ["task", "block_a", "block_b"],
             longName: "block x block CKA on new-class probe images", units: "1",
             description: "the same on held-out images of task t's classes; the diagonal is "
               + "cka_new"),
  ]

  /// Companion string variables: why a CKA value is NaN ("" where it is defined).
  public static let notes = ["cka_old_note", "cka_new_note"]
}
