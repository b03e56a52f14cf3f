/// Accuracies of a class-incremental run, one row per task trained: `values[t][j]` is the top-1
/// accuracy (a fraction) after task t on the test images of task j's classes, for j ≤ t; the
/// entries j > t do not exist yet (NaN). `total[t]` is the accuracy after task t on every class
/// seen so far (PyCIL's `accy["total"]`, which its curves and average use).
public struct AccuracyMatrix: Sendable, Equatable {
  public private(set) var values: [[Double]] = []
  public private(set) var total: [Double] = []
  public let taskCount: Int

  public init(taskCount: Int) {
    precondition(taskCount >= 1, "an accuracy matrix needs at least one task")
    self.taskCount = taskCount
  }

  /// Number of tasks evaluated so far.
  public var tasksSeen: Int { values.count }

  /// Appends the row after the next task: one accuracy per task seen, and the total.
  public mutating func append(perTask: [Double], total: Double) {
    precondition(perTask.count == values.count + 1,
                 "after task \(values.count) the row has \(values.count + 1) entries, not \(perTask.count)")
    precondition(values.count < taskCount, "all \(taskCount) tasks are already evaluated")
    values.append(perTask + Array(repeating: .nan, count: taskCount - perTask.count))
    self.total.append(total)
  }

  /// Average incremental accuracy (Rebuffi et al. 2017): the mean of `total` over the tasks
  /// evaluated so far.
  public var averageIncrementalAccuracy: Double {
    total.isEmpty ? .nan : total.reduce(0, +) / Double(total.count)
  }

  /// The total accuracy after the latest task.
  public var lastAccuracy: Double { total.last ?? .nan }

  /// Average forgetting (Chaudhry et al. 2018, as PyCIL's `forgetting`): over the tasks j before
  /// the latest task T, the mean of max_{j ≤ t ≤ T} values[t][j] − values[T][j]. NaN with fewer
  /// than two tasks.
  public var forgetting: Double {
    let last = values.count - 1
    guard last >= 1 else { return .nan }
    let drops = (0..<last).map { j in
      (j...last).map { values[$0][j] }.max()! - values[last][j]
    }
    return drops.reduce(0, +) / Double(drops.count)
  }
}
