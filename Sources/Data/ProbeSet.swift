/// A fixed, held-out sample of test images per class, on which feature similarity (CKA) is
/// measured before and after each task. It is drawn once from the test split with numpy's
/// legacy generator, so Python can reproduce it: for each original class c in order,
/// `np.sort(rs.choice(np.flatnonzero(labels == c), n, replace=False))` with one
/// `rs = np.random.RandomState(seed)` shared across classes (legacy `choice` without replacement
/// is `permutation(len)[:n]`). A class with fewer than n images contributes all of them.
public struct ProbeSet: Sendable, Equatable {
  public let perClass: Int
  public let seed: UInt32
  /// Chosen test-split indices of each original class, ascending.
  public let indicesByClass: [[Int]]

  public init(labels: [Int32], classCount: Int, perClass: Int, seed: UInt32) {
    precondition(perClass >= 1, "a probe set needs at least one image per class")
    var byClass = [[Int]](repeating: [], count: classCount)
    for (index, label) in labels.enumerated() { byClass[Int(label)].append(index) }
    var random = NumpyLegacyRandom(seed: seed)
    self.indicesByClass = byClass.map { members in
      let take = min(perClass, members.count)
      return random.choiceWithoutReplacement(from: members.count, count: take)
        .map { members[$0] }.sorted()
    }
    self.perClass = perClass
    self.seed = seed
  }

  /// Indices of the given original classes, class by class in the order given.
  public func indices(classes: [Int]) -> [Int] {
    classes.flatMap { indicesByClass[$0] }
  }
}
