/// Top-1 accuracy of one evaluation, overall and per task, from predictions and labels.
public struct TaskAccuracy: Sendable, Equatable {
  /// Fraction correct over every test image.
  public var total: Double
  /// Fraction correct on the images of each task's classes (tasks 0…t).
  public var perTask: [Double]

  public init(total: Double, perTask: [Double]) {
    self.total = total
    self.perTask = perTask
  }

  /// Accuracy of `predictions` against `labels` (class positions), grouped by the task whose
  /// `classes` hold each label; a task without test images gets NaN.
  public init(predictions: [Int], labels: [Int], tasks: [Range<Int>]) {
    precondition(predictions.count == labels.count, "one prediction per label")
    var correct = [Int](repeating: 0, count: tasks.count), seen = correct
    for (p, y) in zip(predictions, labels) {
      guard let t = tasks.firstIndex(where: { $0.contains(y) }) else {
        preconditionFailure("label \(y) belongs to no task of \(tasks)")
      }
      seen[t] += 1
      if p == y { correct[t] += 1 }
    }
    let hits = correct.reduce(0, +)
    total = labels.isEmpty ? .nan : Double(hits) / Double(labels.count)
    perTask = zip(correct, seen).map { $1 == 0 ? .nan : Double($0) / Double($1) }
  }
}
