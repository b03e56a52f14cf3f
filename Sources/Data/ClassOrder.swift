/// The order in which classes arrive, and the label remapping that goes with it, as PyCIL's
/// `DataManager._setup_data`: with `shuffle` the order is `np.random.seed(seed);
/// np.random.permutation(C)`, otherwise the identity (PyCIL's default `class_order`,
/// `np.arange(C)`); labels are then replaced by their class's position in the order
/// (`_map_new_class_index`), so task t trains on positions, not on file labels.
/// CIFAR-100 with seed 1993 starts 68, 56, 78, 8, 23, 84, 90, 65.
public struct ClassOrder: Sendable, Equatable {
  /// `order[position]` is the original (file) label of the class at that position.
  public let order: [Int]
  /// `positions[label]` is the position of original label `label` (its training label).
  public let positions: [Int32]

  /// PyCIL's order: the numpy permutation of `classCount` for `seed`, or identity when
  /// `shuffle` is false.
  public init(classCount: Int, seed: UInt32 = 1993, shuffle: Bool = true) {
    precondition(classCount > 0, "ClassOrder needs at least one class")
    if shuffle {
      var random = NumpyLegacyRandom(seed: seed)
      self.init(order: random.permutation(classCount))
    } else {
      self.init(order: Array(0..<classCount))
    }
  }

  /// An explicit order (a spec's `class_order`).
  /// - Precondition: `order` is a permutation of 0..<order.count.
  public init(order: [Int]) {
    var positions = [Int32](repeating: -1, count: order.count)
    for (position, label) in order.enumerated() {
      precondition(label >= 0 && label < order.count && positions[label] == -1,
        "class order must be a permutation of 0..<\(order.count)")
      positions[label] = Int32(position)
    }
    self.order = order
    self.positions = positions
  }

  public var classCount: Int { order.count }

  /// The training label (position) of original label `label`.
  @inline(__always)
  public func position(of label: Int32) -> Int32 { positions[Int(label)] }

  /// Every label replaced by its position (`_map_new_class_index`).
  public func remap(_ labels: [Int32]) -> [Int32] { labels.map { positions[Int($0)] } }
}
