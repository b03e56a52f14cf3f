import NN

/// An interventional probe: the network after task t with the body blocks from split k onward
/// rewound to their values at the end of task t−1, for every legal split k. Measured on old and
/// new classes, the curve over k shows where the task's plasticity lives: if rewinding the
/// shallow blocks as well costs the new classes nothing, those blocks need not change.
///
/// Rewinding works on a frozen copy of `current` (training is not disturbed) and sets each
/// block's parameters and BN running statistics from `previous`, the blocks being matched by
/// name through `ProbedBlocks` (a specialized block is the newest branch's copy, which the task
/// started from). The classifier (`head`) is never rewound: the old one has no outputs for the
/// new classes, so it stays θ(t); split `stem` is then "everything but the head rewound" and
/// `none` is θ(t) itself.
public enum BlockRewind {
  /// `measure(split, network)` for every legal split of the architecture, in forward order
  /// (`stem`, …, `none`). `network` is the same copy, rewound progressively: measure must not
  /// keep it. Cost: one copy of the network and one `measure` per split.
  public static func sweep<T>(current: ExpandableNetwork, previous: ExpandableNetwork,
                              measure: (SplitPoint, ExpandableNetwork) throws -> T) throws -> [T]
  {
    precondition(current.architecture == previous.architecture && current.split == previous.split,
                 "rewinding between networks of different architectures or splits")
    let copy = try current.frozenCopy()
    let target = ProbedBlocks(copy).namedBlocks
    let source = ProbedBlocks(previous).namedBlocks
    func block(_ blocks: [(name: String, block: any Layer)], _ name: String) -> any Layer {
      guard let found = blocks.first(where: { $0.name == name }) else {
        preconditionFailure("no block \(name) in \(blocks.map(\.name))")
      }
      return found.block
    }
    // From `none` backwards, each split rewinds one more block than the one after it.
    var results: [T] = []
    for split in current.architecture.legalSplits.reversed() {
      if case .at(let name) = split {
        block(target, name).copyState(from: block(source, name))
      }
      results.append(try measure(split, copy))
    }
    return results.reversed()
  }
}
