/// The variables `strata split` writes to the `/split` group of `split.h5`: per block, per
/// candidate split, per metric, each with `long_name`, `units` and `description`. The README's
/// schema table is this list.
public enum SplitSchema {
  public typealias Variable = ProbeSchema.Variable

  /// Coordinates (dimension scales): name, long name, units, description.
  public static let coordinates: [(name: String, longName: String, units: String,
                                   description: String)] = [
    ("block", "block name", "", "stem, stage1.block1, ..., head (forward order)"),
    ("candidate", "candidate split", "",
     "a split is named by its first specialized block; stem copies every block per task (DER), "
       + "none copies nothing (one backbone)"),
    ("metric", "sensitivity metric", "",
     "grad_norm_normalized (mean over the task's epochs), param_shift, 1 - cka (old- or "
       + "new-class probe set, see cka_probe_set)"),
    ("task", "incremental task", "1",
     "0-based task index of the probe run as in every Strata file (task 0 is the first "
       + "task); probes start at task 1"),
    ("metric_pair", "pair of metrics", "", "metric_a ~ metric_b"),
  ]

  public static let variables: [Variable] = [
    Variable(name: "raw_value", dimensions: ["metric", "block"],
             longName: "metric value, mean over tasks", units: "1",
             description: "the metric as recorded in the probe file, averaged over the tasks "
               + "where it is defined"),
    Variable(name: "normalized_value", dimensions: ["task", "metric", "block"],
             longName: "normalized metric value", units: "1",
             description: "min-max over the body blocks of the task: 0 is the task's least, 1 "
               + "its most sensitive body block; the head on the same scale (may leave [0, 1]); "
               + "NaN where the value is missing or the task's body blocks are all equal"),
    Variable(name: "metric_score", dimensions: ["metric", "block"],
             longName: "normalized metric value, mean over tasks", units: "1",
             description: "mean of normalized_value over the tasks where it is defined"),
    Variable(name: "task_score", dimensions: ["task", "block"],
             longName: "block sensitivity score of a task", units: "1",
             description: "mean of the task's available normalized metric values"),
    Variable(name: "score", dimensions: ["block"],
             longName: "block sensitivity score", units: "1",
             description: "mean of task_score over tasks; the change point is fitted to the "
               + "body blocks' scores (the head is reported, never a split)"),
    Variable(name: "role", dimensions: ["block"], longName: "role at the recommended split",
             units: "", description: "shared, specialized or head; undecided when no split is "
               + "recommended"),
    Variable(name: "change_point_cost", dimensions: ["candidate"],
             longName: "two-segment change-point cost", units: "1",
             description: "within-segment sum of squared deviations of the body scores from "
               + "a step at the split (one segment for stem and none)"),
    Variable(name: "explained_variance", dimensions: ["candidate"],
             longName: "variance explained by the step", units: "1",
             description: "1 - change_point_cost / total sum of squares"),
    Variable(name: "contrast", dimensions: ["candidate"],
             longName: "score contrast across the split", units: "1",
             description: "mean score of the specialized body blocks minus that of the shared "
               + "ones; NaN for stem and none"),
    Variable(name: "metric_votes", dimensions: ["candidate"],
             longName: "metrics that pick the split alone", units: "1",
             description: "how many metrics' own change points (on metric_score) choose it"),
    Variable(name: "bootstrap_frequency", dimensions: ["candidate"],
             longName: "bootstrap frequency", units: "1",
             description: "fraction of resamples of the tasks (with replacement) whose change "
               + "point chooses the split"),
    Variable(name: "shared_parameters", dimensions: ["candidate"],
             longName: "shared backbone parameters G", units: "1",
             description: "parameters of the blocks before the split"),
    Variable(name: "specialized_parameters", dimensions: ["candidate"],
             longName: "specialized backbone parameters S", units: "1",
             description: "parameters copied per task: the split block to the last body block"),
    Variable(name: "model_parameters", dimensions: ["candidate"],
             longName: "model parameters after the run's tasks", units: "1",
             description: "G + T S for the run's T tasks (memory ledger, no classifier)"),
    Variable(name: "model_bytes", dimensions: ["candidate"],
             longName: "model bytes after the run's tasks", units: "bytes",
             description: "4 bytes per backbone parameter"),
    Variable(name: "specialized_exemplar_equivalents", dimensions: ["candidate"],
             longName: "one specialized copy in exemplars", units: "1",
             description: "4 S bytes divided by the bytes of one stored image"),
    Variable(name: "exemplars", dimensions: ["candidate"],
             longName: "exemplars at the verification budget", units: "1",
             description: "floor((budget - model bytes) / image bytes); -1 when the model alone "
               + "exceeds the budget"),
    Variable(name: "plan_role", dimensions: ["candidate"],
             longName: "role in the verification plan", units: "",
             description: "recommended, neighbour, der (stem), single backbone (none), joined "
               + "by '+' when one split has several; empty when not retrained"),
    Variable(name: "metric_split", dimensions: ["metric"],
             longName: "split chosen by the metric alone", units: "",
             description: "change point of metric_score over the body blocks; empty when the "
               + "metric has no increasing step"),
    Variable(name: "metric_rank_correlation", dimensions: ["metric_pair"],
             longName: "Spearman rank correlation across body blocks", units: "1",
             description: "between the two metrics' metric_score over the body blocks"),
  ]
}
