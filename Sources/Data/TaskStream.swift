/// The class-incremental task sequence of PyCIL's `DataManager`: `initialClasses` classes in the
/// first task, then `increment` per task while a whole increment still fits, and the leftover
/// classes as a last, smaller task (`_increments`). Classes are taken in `ClassOrder` order, so
/// task t holds positions `tasks[t].classes`, and the training labels are those positions.
///
/// "B0 Inc10" on CIFAR-100 is `initialClasses: 10, increment: 10` (10 tasks); "B50 Inc10" is
/// `initialClasses: 50, increment: 10` (6 tasks).
public struct TaskStream: Sendable, Equatable {
  /// One task: the positions (training labels) of its new classes.
  public struct Task: Sendable, Equatable {
    public let index: Int
    /// Positions of the classes this task introduces.
    public let classes: Range<Int>
    /// Positions of every class seen up to and including this task.
    public var seenClasses: Range<Int> { 0..<classes.upperBound }
    /// Positions of the classes of earlier tasks.
    public var oldClasses: Range<Int> { 0..<classes.lowerBound }
  }

  public let order: ClassOrder
  public let initialClasses: Int
  public let increment: Int
  /// Number of new classes per task.
  public let increments: [Int]
  public let tasks: [Task]

  /// - Precondition: `1 ≤ initialClasses ≤ classCount` and `increment ≥ 1` (a spec error,
  ///   checked where specs are validated).
  public init(order: ClassOrder, initialClasses: Int, increment: Int) {
    let total = order.classCount
    precondition(initialClasses >= 1 && initialClasses <= total,
      "initial classes \(initialClasses) must be in 1...\(total)")
    precondition(increment >= 1, "increment must be at least 1")
    var increments = [initialClasses]
    while increments.reduce(0, +) + increment < total { increments.append(increment) }
    let leftover = total - increments.reduce(0, +)
    if leftover > 0 { increments.append(leftover) }

    var tasks: [Task] = []
    var start = 0
    for (index, size) in increments.enumerated() {
      tasks.append(Task(index: index, classes: start..<start + size))
      start += size
    }
    self.order = order
    self.initialClasses = initialClasses
    self.increment = increment
    self.increments = increments
    self.tasks = tasks
  }

  public var count: Int { tasks.count }

  /// Original (file) labels of the classes at `positions`.
  public func originalClasses(_ positions: Range<Int>) -> [Int] {
    positions.map { order.order[$0] }
  }

  /// Indices of the samples of a split (given its original labels) whose classes lie in
  /// `positions`, in file order.
  public func indices(labels: [Int32], positions: Range<Int>) -> [Int] {
    var result: [Int] = []
    for (index, label) in labels.enumerated()
    where positions.contains(Int(order.positions[Int(label)])) {
      result.append(index)
    }
    return result
  }

  /// The training set of task `task`: its new classes' images, then the caller's extra sample
  /// indices (exemplars of old classes, kept by the exemplar memory), as PyCIL's
  /// `get_dataset(np.arange(known, total), source="train", appendent=memory)`.
  public func trainingIndices(task: Int, labels: [Int32], exemplars: [Int] = []) -> [Int] {
    indices(labels: labels, positions: tasks[task].classes) + exemplars
  }

  /// The test set after task `task`: every seen class (`np.arange(0, total_classes)`).
  public func testIndices(task: Int, labels: [Int32]) -> [Int] {
    indices(labels: labels, positions: tasks[task].seenClasses)
  }

  /// Probe images for task `task`: those of its old classes and of its new classes, separately.
  public func probeIndices(task: Int, probe: ProbeSet) -> (old: [Int], new: [Int]) {
    (probe.indices(classes: originalClasses(tasks[task].oldClasses)),
      probe.indices(classes: originalClasses(tasks[task].classes)))
  }
}
