import ArgumentParser
import Pipeline
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

    /// Test hook: the run of this name fails at once (`SweepSteps.failHook`).
    static let failHook = SweepSteps.failHook

    @Argument(help: "The sweep's settings (runs/slurm/sweep.json).")
    var settings: String

    @Argument(help: "The run's index in the sweep (the array index).")
    var index: Int

    public init() {}

    public func run() throws {
      let result = try SweepSteps.task(settings: settings, index: index) { task in
        print("\(task.name): strata \(task.arguments.joined(separator: " ")) (log \(task.log))")
      }
      switch result {
      case .completeAlready(let name):
        print("\(name): complete already")
      case .done(let outcome):
        print("\(outcome.name): done in \(StageLog.duration(outcome.seconds))")
      case .failed(let outcome):
        print(outcome.failureDescription)
        throw ExitCode(outcome.exitCode ?? 128 + (outcome.signal ?? 0))
      }
    }
  }

  /// Joins the finished runs into verify.h5.
  public struct MergeStep: ParsableCommand {
    public static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "Merge the runs of the sweep in SETTINGS into verify.h5 (a curve: curve.h5).")

    @Argument(help: "The sweep's settings (runs/slurm/sweep.json).")
    var settings: String

    public init() {}

    public func run() throws {
      switch try SweepSteps.merge(settings: settings) {
      case (.verification(let record), let output):
        print(VerifyTable(record).rendered, terminator: "")
        print("wrote \(output)")
      case (.curve(let record, _), let output):
        print(CurveCommand.areas(record), terminator: "")
        print("wrote \(output) and its report/")
      }
    }
  }
}
