extension ExpandableNetwork {
  /// A frozen copy of the network as it is now: the same tasks added (branches, classifier and
  /// auxiliary head of the same shapes), every parameter and running statistic copied, nothing
  /// trainable, eval mode. What iCaRL distills against and what the probes compare with: the
  /// model at the end of the previous task.
  public func frozenCopy() throws -> ExpandableNetwork {
    let copy = try frozenShell(taskSizes: taskSizes)
    copy.copyState(from: self)
    return copy
  }

  /// An untrained network of the same architecture and split, grown by `taskSizes`, frozen and
  /// in eval mode: the shape a saved state (a checkpoint's teacher) is loaded into.
  public func frozenShell(taskSizes: [Int]) throws -> ExpandableNetwork {
    let shell = try ExpandableNetwork(architecture, split: split, seed: 0, context: context)
    for size in taskSizes { try shell.addTask(classes: size) }
    shell.setTrainable(false)
    shell.setTraining(false)
    return shell
  }
}
