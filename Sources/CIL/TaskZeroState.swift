import NN

/// A run's state at the task-0 fork point: task 0 trained (every epoch and `finishTraining`),
/// before its rehearsal memory is built. Everything after depends on the budget (how many
/// exemplars herding keeps) or the split, everything before on neither (`TaskZeroKey`), so
/// every run of a sweep with the same key continues from one training of task 0
/// (`ClassIncrementalRun(continuing:)`).
///
/// What is carried is the network's values only. The optimizer is made anew for every task
/// (its momentum dies with task 0), batches and augmentation are drawn from (seed, task, epoch)
/// and keep no state, and the network's seeded generator is rebuilt by growing the continuing
/// run's own network for task 0, which draws what an independent run draws.
public struct TaskZeroState: Sendable {
  public var key: TaskZeroKey
  /// Classes of task 0.
  public var classes: Int
  /// Epochs trained (task 0's `init_epoch`).
  public var epochs: Int
  /// The network in plain block names (`stem…`, `stage2.block1.conv1.weight`, `head…`) and
  /// `aux_head…`, the auxiliary head every expanding split grows at task 0 (unused by the
  /// task-0 loss and replaced at task 1; carried as training left it).
  public var network: ModuleState
  /// Per class of task 0, by position: the herding features of its training images (the
  /// network's features in eval mode, one row per image in the data set's order), which every
  /// continuing run would compute alike before choosing its own number of exemplars. Empty when
  /// not carried (the run then computes them).
  public var features: [[[Float]]]

  public init(key: TaskZeroKey, classes: Int, epochs: Int, network: ModuleState,
              features: [[[Float]]] = [])
  {
    self.key = key
    self.classes = classes
    self.epochs = epochs
    self.network = network
    self.features = features
  }

  /// The branch that holds a split's specialized blocks during task 0.
  static let firstBranch = "branch1."
  static let auxiliaryHead = "aux_head"

  /// The state in plain names of a network trained at any split.
  static func plainNames(_ state: ModuleState) -> ModuleState {
    let plain = { (a: NamedArray) in
      a.name.hasPrefix(firstBranch)
        ? NamedArray(name: String(a.name.dropFirst(firstBranch.count)), shape: a.shape, values: a.values)
        : a
    }
    return ModuleState(parameters: state.parameters.map(plain), buffers: state.buffers.map(plain))
  }

  /// The network's state as `split`'s network names it after task 0: the specialized blocks
  /// under `branch1.`, no auxiliary head for `none`.
  public func network(split: SplitPoint, architecture: ResNetArchitecture) -> ModuleState {
    let shared = Set(architecture.bodyBlockNames.prefix(architecture.sharedBlockCount(split)))
    let body = Set(architecture.bodyBlockNames)
    let block = { (name: String) in
      name.split(separator: ".").prefix(2).joined(separator: ".")
    }
    let rename = { (a: NamedArray) -> NamedArray? in
      let first = String(a.name.prefix { $0 != "." })
      if first == Self.auxiliaryHead { return split == .none ? nil : a }
      let owner = body.contains(first) ? first : block(a.name)
      guard body.contains(owner), !shared.contains(owner) else { return a }
      return NamedArray(name: Self.firstBranch + a.name, shape: a.shape, values: a.values)
    }
    return ModuleState(parameters: network.parameters.compactMap(rename),
                       buffers: network.buffers.compactMap(rename))
  }
}
