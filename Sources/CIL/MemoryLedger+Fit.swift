import NN

extension MemoryLedger {
  /// Whether the model at `split` after `tasks` tasks fits a total budget of `budget` bytes
  /// (with however many exemplars are left, possibly none).
  public func fits(budget: Int, split: SplitPoint, tasks: Int) -> Bool {
    exemplars(budget: budget, split: split, tasks: tasks) != nil
  }

  /// The smallest total budget that one of `splits` fits after `tasks` tasks: the smallest model
  /// among them, with no exemplars; nil without splits.
  public func smallestFittingBudget(splits: [SplitPoint], tasks: Int)
    -> (bytes: Int, split: SplitPoint)?
  {
    splits.map { (modelBytes(split: $0, tasks: tasks), $0) }.min { $0.0 < $1.0 }
      .map { (bytes: $0.0, split: $0.1) }
  }
}
