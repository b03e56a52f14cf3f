extension ExpandableNetwork {
  /// A frozen copy of the network as it is now: the same tasks added (branches, classifier and
  /// auxiliary head of the same shapes), every parameter and running statistic copied, nothing
  /// trainable, eval mode. What iCaRL distills against and what the probes compare with: the
  /// model at the end of the previous task.
  public func frozenCopy() throws -> ExpandableNetwork {
    let copy = try ExpandableNetwork(architecture, split: split, seed: 0, context: context)
    for size in taskSizes { try copy.addTask(classes: size) }
    copy.copyState(from: self)
    copy.setTrainable(false)
    copy.setTraining(false)
    return copy
  }
}
