import Data
import NN

extension Learner {
  /// The momentum buffers of the current task's optimizer by parameter name, in forward order;
  /// empty between tasks.
  public func momentumState() -> [NamedArray] {
    guard let optimizer else { return [] }
    return network.namedParameters().compactMap { name, parameter in
      optimizer.momentumBuffer(of: parameter).map {
        NamedArray(name: name, shape: parameter.shape, values: $0)
      }
    }
  }

  /// Saved momentum buffers with the parameters they belong to. Every name must be a
  /// trainable parameter of the network, with its shape.
  func momentumTargets(_ momentum: [NamedArray]) throws(ModuleStateError)
    -> [(parameter: Parameter, buffer: [Float])]
  {
    guard !momentum.isEmpty else { return [] }
    let parameters = Dictionary(uniqueKeysWithValues: network.namedParameters().map {
      ($0.name, $0.parameter)
    })
    return try momentum.map { entry throws(ModuleStateError) in
      guard let parameter = parameters[entry.name], parameter.isTrainable else {
        throw ModuleStateError(kind: .unexpected, name: entry.name, section: "momentum")
      }
      guard parameter.shape == entry.shape else {
        throw ModuleStateError(kind: .shapeMismatch(expected: parameter.shape, found: entry.shape),
                               name: entry.name, section: "momentum")
      }
      return (parameter, entry.values)
    }
  }

  /// Rebuilds this fresh learner as it was at `checkpoint`: the network grown task by task as
  /// the run grew it (same structure, frozen blocks and generator state), then its values, the
  /// class counts, the memory and the teacher. Training resumes with `resumeTraining`.
  func restore(_ checkpoint: RunCheckpoint) throws {
    precondition(currentTask == -1, "restore a fresh learner")
    let position = checkpoint.position
    let tasks = plan.stream.tasks
    guard tasks.indices.contains(position.task) else {
      throw CheckpointMismatch("the checkpoint is at task \(position.task); the run has "
                               + "\(tasks.count) tasks", field: "position.task")
    }
    let sizes = tasks[0...position.task].map(\.classes.count)
    guard checkpoint.taskSizes == sizes else {
      throw CheckpointMismatch("the checkpoint's tasks add \(checkpoint.taskSizes) classes; the "
                               + "spec's first \(sizes.count) tasks add \(sizes)", field: "taskSizes")
    }
    let epochs = plan.spec.trainingEpochs(task: position.task)
    guard (0...epochs).contains(position.epochsCompleted) else {
      throw CheckpointMismatch("the checkpoint has \(position.epochsCompleted) epochs of task "
                               + "\(position.task) done; the spec trains it for \(epochs)",
                               field: "position.epochsCompleted")
    }
    let classes = tasks[position.task].classes
    let known = position.taskComplete ? classes.upperBound : classes.lowerBound
    guard checkpoint.knownClasses == known, checkpoint.totalClasses == classes.upperBound else {
      throw CheckpointMismatch("the checkpoint knows \(checkpoint.knownClasses) of "
        + "\(checkpoint.totalClasses) classes; at task \(position.task) the run knows \(known) "
        + "of \(classes.upperBound)", field: "knownClasses")
    }
    for task in 0...position.task { try beginTask(task) }
    try network.loadState(checkpoint.network)
    _ = try momentumTargets(checkpoint.momentum)  // checked now, before any training
    knownClasses = checkpoint.knownClasses
    memory = checkpoint.memory
    try restoreTeacher(checkpoint.teacher)
  }

  /// Continues the restored task after `checkpoint.position.epochsCompleted` epochs, with its
  /// saved momentum.
  func resumeTraining(_ checkpoint: RunCheckpoint, data: IncrementalDataset,
                      progress: ((EpochReport) -> Void)?) throws
  {
    precondition(!checkpoint.position.taskComplete && checkpoint.position.task == currentTask,
                 "resume the task the learner was restored to")
    try train(data: data, from: checkpoint.position.epochsCompleted,
              momentum: checkpoint.momentum, progress: progress)
  }
}
