import NN

/// An interventional probe, the counterpart of `BlockRewind`: for every legal split k, the
/// network at the start of task t (θ(t−1), grown for task t's classes as the learner grows it)
/// with every body block before k frozen, trained on task t as the learner trains; only the
/// blocks from k onward and the head learn. Measured on old and new classes, the curve over k
/// shows how much of the body a task needs to train: if training from a deep split reaches the
/// new classes' accuracy of training from `stem`, the shallow blocks need no plasticity.
///
/// Each split trains its own copy (the learner's network is never touched); a copy keeps the
/// learner's own freezing (MEMO's and DER's old branches, MEMO's shared blocks without
/// `train_shared`) and adds its own. Split `stem` trains what the learner trains; `none` only
/// the classifier (and, for an expanding network, its auxiliary head).
public enum BlockRetrain {
  /// `measure(split, network)` for every legal split in forward order (`stem`, …, `none`), on a
  /// copy of `start` made by `copy(of:trainingFrom:)` and passed through `train` first. Cost:
  /// one copy, one training and one `measure` per split.
  public static func sweep<T>(start: ExpandableNetwork,
                              train: (ExpandableNetwork) throws -> Void,
                              measure: (SplitPoint, ExpandableNetwork) throws -> T) throws -> [T]
  {
    try start.architecture.legalSplits.map { split in
      let copy = try copy(of: start, trainingFrom: split)
      try train(copy)
      return try measure(split, copy)
    }
  }

  /// A copy of `network` (parameters, running statistics, frozen blocks) in which the body
  /// blocks before `split` are frozen too, in eval mode; the blocks the probe follows
  /// (`ProbedBlocks`: a specialized block is the newest branch's copy) are matched by name.
  public static func copy(of network: ExpandableNetwork, trainingFrom split: SplitPoint) throws
    -> ExpandableNetwork
  {
    let copy = try network.frozenCopy()
    for (name, _) in copy.namedBlocks {
      copy.setFrozen(network.isFrozen(block: name), block: name)
    }
    let shared = Set(copy.shared.map(\.name))
    let newest = copy.branches.last.map { $0.name + "." } ?? ""
    for name in network.architecture.bodyBlockNames
      .prefix(network.architecture.sharedBlockCount(split))
    {
      copy.setFrozen(true, block: shared.contains(name) ? name : newest + name)
    }
    return copy
  }
}
