import Analysis
import Foundation
import Recording

/// The verify stage: the planned sweep's runs (each a `strata train` writing its record under
/// `runs/`), locally or on Slurm, then the merge into `verify.h5` with the verdict.
public enum VerifyStage {
  /// Runs at a time by default, for `strata verify` and `strata run` alike: two processes
  /// sharing the cores keep them busy through each run's serial parts.
  public static let defaultJobs = 2

  /// How the runs execute.
  public enum Executor: Sendable {
    /// Child processes here, `jobs` at a time.
    case local(jobs: Int)
    /// A Slurm job array and a merge job; `limit` array tasks at once (nil: Slurm's limits);
    /// the merge job also writes the report into `reportDirectory` when given.
    case slurm(SlurmSettings, limit: Int?, reportDirectory: String?)
  }

  public enum Outcome: Sendable {
    /// verify.h5 was written (here or by the Slurm merge job).
    case merged(VerificationRecord)
    /// Some runs failed; each was reported.
    case failed
  }

  /// Refuses to start a verification over an earlier one (without `--resume`): verify.h5, a
  /// run's record or a Slurm submission in `directory` (checked before anything is written).
  public static func checkFresh(_ sweep: VerificationSweep) throws {
    let output = sweep.directory + "/verify.h5"
    let runs = (try? FileManager.default.contentsOfDirectory(atPath: sweep.runsDirectory)) ?? []
    // runs/slurm/jobs.json: a Slurm submission whose runs may not have written anything yet.
    if FileManager.default.fileExists(atPath: output) || runs.contains(where: { $0.hasSuffix(".h5") })
      || FileManager.default.fileExists(atPath: SlurmExecutor.folder(sweep) + "/jobs.json")
    {
      throw StageRefusal("\(sweep.directory) already holds a verification; use --resume to "
                         + "continue it or another --output-dir")
    }
  }

  /// `--dry-run`: what `run` would start, as text to print, training nothing: the Slurm batch
  /// scripts with their `sbatch` lines, or the local executor's `strata train` commands. Writes
  /// the candidates' derived specs under `runs/` (the commands name them).
  public static func dryRun(_ merge: VerificationMerge, executor: Executor, log: StageLog) throws
    -> String
  {
    let tasks = try merge.sweep.prepareTasks()
    switch executor {
    case .slurm(let settings, let limit, let reportDirectory):
      let slurm = SlurmExecutor(executable: try StrataExecutable.path(), options: settings,
                                limit: limit, reportDirectory: reportDirectory, log: log)
      return try slurm.batchScripts(merge)
        ?? "# every run is complete: nothing to submit; the merge runs here\n"
    case .local:
      return tasks.map { "strata " + $0.arguments.joined(separator: " ") + "\n" }.joined()
    }
  }

  /// Runs what is missing of the sweep and merges. `merge` carries the verdict's settings.
  public static func run(_ merge: VerificationMerge, executor: Executor, log: StageLog) throws
    -> Outcome
  {
    switch try execute(merge, executor: executor, log: log) {
    case .failed: return .failed
    case .mergedBySlurm: return .merged(try VerifyFile.read(merge.output))
    case .complete: return .merged(try merge.write(threads: try merge.sweep.recordedThreads() ?? 1))
    }
  }

  /// How the runs of a sweep ended.
  enum Execution {
    /// Some runs failed; each was reported.
    case failed
    /// The Slurm merge job wrote `merge.output`.
    case mergedBySlurm
    /// Every run is complete; the caller merges.
    case complete
  }

  /// Runs what is missing of the sweep on `executor`: the part `strata verify` and
  /// `strata curve` share (their merges differ; `merge` says which the Slurm job runs).
  static func execute(_ merge: VerificationMerge, executor: Executor, log: StageLog) throws
    -> Execution
  {
    let sweep = merge.sweep
    let tasks = try sweep.prepareTasks()
    switch executor {
    case .slurm(let settings, let limit, let reportDirectory):
      let slurm = SlurmExecutor(executable: try StrataExecutable.path(), options: settings,
                                limit: limit, reportDirectory: reportDirectory, log: log)
      switch try slurm.run(merge) {
      case .failed: return .failed
      case .merged: return .mergedBySlurm
      case .nothingToRun: log.info("every run is complete; merging here")
      }
    case .local(let jobs):
      let threads = try sweep.threads(proposed: LocalExecutor.threads(jobs: jobs))
      let local = LocalExecutor(executable: try StrataExecutable.path(), jobs: jobs,
                                threads: threads, convolution: try sweep.fixedConvolution(log: log))
      guard try local.runLogged(tasks, isComplete: sweep.isComplete, log: log) else { return .failed }
    }
    return .complete
  }
}

/// A refusal about files on disk (an earlier result in the way): not a usage error.
public struct StageRefusal: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
