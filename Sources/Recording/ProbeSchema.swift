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
               + "||theta_b(start of task)||"),
    Variable(name: "param_shift", dimensions: ["task", "block"],
             longName: "relative parameter shift", units: "1",
             description: "||theta_b(t) - theta_b(t-1)|| / ||theta_b(t-1)|| between the ends "
               + "of tasks t-1 and t"),
    Variable(name: "param_cosine_distance", dimensions: ["task", "block"],
             longName: "parameter cosine distance", units: "1",
             description: "1 - cos(theta_b(t), theta_b(t-1))"),
    Variable(name: "bn_stat_shift", dimensions: ["task", "block"],
             longName: "batch-norm running statistics shift", units: "1",
             description: "relative L2 shift of the block's running means and variances; NaN "
               + "for blocks without batch norm"),
    Variable(name: "cka_old", dimensions: ["task", "block"],
             longName: "CKA on old-class probe images", units: "1",
             description: "linear CKA between the block's output under theta(t-1) and theta(t) "
               + "on held-out images of the classes seen before task t"),
    Variable(name: "cka_new", dimensions: ["task", "block"],
             longName: "CKA on new-class probe images", units: "1",
             description: "the same on held-out images of task t's classes"),
    Variable(name: "accuracy", dimensions: ["task", "task_seen"],
             longName: "top-1 accuracy by task", units: "1",
             description: "accuracy after task t on the classes of task j (fraction); NaN for "
               + "j > t"),
  ]

  /// Companion string variables: why a CKA value is NaN ("" where it is defined).
  public static let notes = ["cka_old_note", "cka_new_note"]
}
