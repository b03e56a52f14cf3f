/// Where a probe session hands each task's results once they are measured: the task's probes
/// and the feature rows of the exported blocks. The session (Pipeline's `ProbeRecorder`)
/// computes; the sink only writes.
public protocol ProbeSink: AnyObject {
  func record(_ probes: TaskProbes, activations: [ActivationFile.Subset]) throws
}

/// The probe file and, when blocks are exported, the activation file: each task is appended to
/// both as soon as it is measured, so the files are complete after every task.
public final class ProbeFileSink: ProbeSink {
  public let file: ProbeFile
  public let activations: ActivationFile?

  public init(file: ProbeFile, activations: ActivationFile?) {
    self.file = file
    self.activations = activations
  }

  public func record(_ probes: TaskProbes, activations subsets: [ActivationFile.Subset]) throws {
    try file.append(probes)
    try activations?.append(task: probes.task, subsets: subsets)
  }
}
