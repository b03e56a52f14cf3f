/// The exemplars of the classes seen so far and their class means, as PyCIL's
/// `BaseLearner.build_rehearsal_memory` keeps them (`_data_memory`, `_class_means`).
///
/// Exemplars are indices into the training split, per class position, in herding order. After
/// each task (`build`):
/// 1. reduce: every old class keeps the first `quota` of its exemplars (`_reduce_exemplar`; with
///    `fixed_memory` the quota does not change, so nothing is dropped, as
///    `_construct_exemplar_unified`);
/// 2. recompute the old classes' means with the current network;
/// 3. construct: herding picks `quota` exemplars of every new class from all its training images
///    (`_construct_exemplar`).
/// Features come from the caller (eval mode, test transform); means are those of `Herding`.
public struct ExemplarMemory: Sendable, Equatable {
  /// Training-split indices per class position, in herding order.
  public private(set) var exemplars: [Int: [Int]] = [:]
  /// The nearest-mean classifier's class means (unit length), per class position.
  public private(set) var classMeans: [Int: [Float]] = [:]

  public init() {}

  /// A memory as a checkpoint stored it.
  public init(exemplars: [Int: [Int]], classMeans: [Int: [Float]]) {
    self.exemplars = exemplars
    self.classMeans = classMeans
  }

  /// Number of exemplars kept.
  public var count: Int { exemplars.values.reduce(0) { $0 + $1.count } }

  /// Every exemplar, class by class in class order: the "appendent" of the next task's data.
  public var allIndices: [Int] { exemplars.keys.sorted().flatMap { exemplars[$0]! } }

  /// Rebuilds the memory after a task whose new classes are `newClasses` (positions), with
  /// `quota` exemplars per class. `candidates(c)` lists the training indices of class c;
  /// `features(indices)` returns one feature row per index, in order.
  public mutating func build(
    quota: Int, newClasses: Range<Int>, candidates: (Int) -> [Int],
    features: ([Int]) throws -> [[Float]]
  ) rethrows {
    precondition(quota >= 0, "a quota is not negative")
    for c in exemplars.keys.sorted() where !newClasses.contains(c) {
      let kept = Array(exemplars[c]!.prefix(quota))
      exemplars[c] = kept
      classMeans[c] = kept.isEmpty ? nil : Herding.classMean(try features(kept))
    }
    for c in newClasses {
      let pool = candidates(c)
      let vectors = try features(pool)
      let chosen = Herding.select(vectors, count: quota)
      exemplars[c] = chosen.map { pool[$0] }
      classMeans[c] = chosen.isEmpty ? nil : Herding.classMean(chosen.map { vectors[$0] })
    }
  }
}
