import Foundation
import Recording
import Reports

/// What a Slurm sweep's jobs run on the compute nodes (`strata sweep task|merge SETTINGS`): one
/// run of the sweep, as the local executor would run it (its record, log and status file), and
/// the merge into verify.h5 (a curve's into curve.h5 and its report).
public enum SweepSteps {
  /// Test hook: the run of this name fails at once with exit code 3, so the failure report and
  /// `--resume` can be tested on a real cluster.
  public static let failHook = "STRATA_SWEEP_FAIL_TASK"

  public enum TaskResult: Sendable, Equatable {
    /// Requeued after it finished: nothing was redone (the run's name).
    case completeAlready(String)
    case done(SweepOutcome)
    /// The run failed (or the fail hook named it); the status file says how.
    case failed(SweepOutcome)
  }

  /// Runs run `index` of the sweep in `settings`; `started` sees the task before it runs.
  public static func task(settings: String, index: Int,
                          started: (SweepTask) -> Void = { _ in }) throws -> TaskResult
  {
    let sweep = try VerificationMerge.load(settings).sweep
    guard sweep.points.indices.contains(index) else {
      throw SweepError(path: settings, message: "the sweep has \(sweep.points.count) runs; "
                       + "there is no run \(index)")
    }
    let task = sweep.task(sweep.points[index])
    let threads = try sweep.requiredThreads()
    if ProcessInfo.processInfo.environment[failHook] == task.name {
      try "\(failHook)=\(task.name): this run fails on purpose\n"
        .write(toFile: task.log, atomically: true, encoding: .utf8)
      let outcome = SweepOutcome(name: task.name, exitCode: 3, signal: nil, seconds: 0,
                                 log: task.log)
      try LocalExecutor.writeStatus(outcome, to: task.statusFile)
      return .failed(outcome)
    }
    if sweep.isComplete(task) {
      try LocalExecutor.writeStatus(.init(name: task.name, exitCode: 0, signal: nil, seconds: 0,
                                          log: task.log), to: task.statusFile)
      return .completeAlready(task.name)
    }
    started(task)
    let executor = LocalExecutor(executable: try StrataExecutable.path(), jobs: 1, threads: threads,
                                 convolution: try sweep.recordedConvolution())
    let outcome = try executor.run([task], isComplete: { _ in false }, progress: { _, _, _ in })[0]
    return outcome.succeeded ? .done(outcome) : .failed(outcome)
  }

  public enum Merged: Sendable {
    case verification(VerificationRecord)
    /// curve.h5 and the report's files.
    case curve(CurveRecord, report: [String])
  }

  /// Joins the finished runs of the sweep in `settings` into verify.h5, or a curve's into
  /// curve.h5 and its report.
  public static func merge(settings: String) throws -> (Merged, output: String) {
    let merge = try VerificationMerge.load(settings)
    let threads = try merge.sweep.requiredThreads()
    if let curve = merge.curveMerge {
      let record = try curve.write(threads: threads)
      return (.curve(record, report: try CurveReport.write(record, to: curve.reportDirectory)),
              curve.output)
    }
    return (.verification(try merge.write(threads: threads)), merge.output)
  }
}
