import NN

extension BlockShiftComponents {
  /// The components for every block of two networks with the same blocks (the end of task t−1
  /// and the end of task t), in block order; nil for a block whose parameters differ in names or
  /// shapes (the head, which grows by a row per new class).
  public static func perBlock(before: any BlockNetwork, after: any BlockNetwork)
    -> [BlockShiftComponents?]
  {
    let (a, b) = (before.namedBlocks, after.namedBlocks)
    precondition(a.map(\.name) == b.map(\.name), "shift components of different networks")
    return zip(a, b).map { x, y in
      let (p, q) = (NamedValues.parameters(of: x.block), NamedValues.parameters(of: y.block))
      let (s, r) = (NamedValues.buffers(of: x.block), NamedValues.buffers(of: y.block))
      guard x.name != "head", p.map(\.name) == q.map(\.name), p.map(\.shape) == q.map(\.shape),
            s.map(\.name) == r.map(\.name), s.map(\.shape) == r.map(\.shape)
      else { return nil }
      return BlockShiftComponents(before: p, after: q, statisticsBefore: s, statisticsAfter: r)
    }
  }
}
