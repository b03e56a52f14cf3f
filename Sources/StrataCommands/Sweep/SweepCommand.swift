import ArgumentParser
import Foundation

/// `strata sweep task|merge SETTINGS`: what a Slurm sweep's jobs run on the compute nodes
/// (hidden; `strata verify --executor slurm` writes SETTINGS and the batch scripts that call
/// these).
public struct SweepCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "The steps of a sweep's Slurm jobs (run by the batch scripts).",
    shouldDisplay: false,
    subcommands: [TaskStep.self, MergeStep.self])

  public init() {}

  /// Runs one run of the sweep, as the local executor would: its record, log and status file.
  public struct TaskStep: ParsableCommand {
    public static let configuration = CommandConfiguration(
      commandName: "task", abstract: "Train run INDEX of the sweep in SETTINGS.")

    /// Test hook: the run of this name fails at once with exit code 3, so the failure report
    /// and `--resume` can be tested on a real cluster.
    static let failHook = "STRATA_SWEEP_FAIL_TASK"

    @Argument(help: "The sweep's settings (runs/slurm/sweep.json).")
    var settings: String

    @Argument(help: "The run's index in the sweep (the array index).")
    var index: Int

    public init() {}

    public func run() throws {
      let sweep = try VerificationMerge.load(settings).sweep
      guard sweep.points.indices.contains(index) else {
        throw SweepError(path: settings, message: "the sweep has \(sweep.points.count) runs; "
                         + "there is no run \(index)")
      }
      let task = sweep.task(sweep.points[index])
      let threads = try sweep.requiredThreads()
      if ProcessInfo.processInfo.environment[Self.failHook] == task.name {
        try "\(Self.failHook)=\(task.name): this run fails on purpose\n"
          .write(toFile: task.log, atomically: true, encoding: .utf8)
        try LocalExecutor.writeStatus(.init(name: task.name, exitCode: 3, signal: nil, seconds: 0,
                                            log: task.log), to: task.statusFile)
        throw ExitCode(3)
      }
      if sweep.isComplete(task) {
        // Requeued after it finished: nothing to redo.
        try LocalExecutor.writeStatus(.init(name: task.name, exitCode: 0, signal: nil, seconds: 0,
                                            log: task.log), to: task.statusFile)
        print("\(task.name): complete already")
        return
      }
      print("\(task.name): strata \(task.arguments.joined(separator: " ")) (log \(task.log))")
      let executor = LocalExecutor(executable: try StrataExecutable.path(), jobs: 1, threads: threads,
                                   convolution: try sweep.recordedConvolution())
      let outcome = try executor.run([task], isComplete: { _ in false }, progress: { _, _, _ in })[0]
      guard outcome.succeeded else {
        print(outcome.failureDescription)
        throw ExitCode(outcome.exitCode ?? 128 + (outcome.signal ?? 0))
      }
      print("\(task.name): done in \(ProgressBar.duration(outcome.seconds))")
    }
  }

  /// Joins the finished runs into verify.h5.
  public struct MergeStep: ParsableCommand {
    public static let configuration = CommandConfiguration(
      commandName: "merge", abstract: "Merge the runs of the sweep in SETTINGS into verify.h5.")

    @Argument(help: "The sweep's settings (runs/slurm/sweep.json).")
    var settings: String

    public init() {}

    public func run() throws {
      let merge = try VerificationMerge.load(settings)
      let record = try merge.write(threads: try merge.sweep.requiredThreads())
      print(VerifyTable(record).rendered, terminator: "")
      print("wrote \(merge.output)")
    }
  }
}
