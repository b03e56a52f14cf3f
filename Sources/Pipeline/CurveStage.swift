import Foundation
import Recording
import Reports

/// The accuracy–memory curve as a stage: the planned grid's runs (each a `strata train` under
/// `runs/`, the runs of one backbone and seed continuing from one task-0 training) on local
/// child processes or on Slurm (a job array and a merge job, as `strata verify`'s), then
/// `curve.h5` and the report in `report/`. Resumable: runs whose record is complete are kept; a
/// run killed part-way continues from its checkpoint.
public enum CurveStage {
  public enum Outcome: Sendable {
    case merged(CurveRecord)
    /// Some runs failed; each was reported.
    case failed
  }

  /// Refuses to start a curve over an earlier one (without `--resume`): curve.h5, a run's
  /// record or a Slurm submission in `directory`, checked before anything is written.
  public static func checkFresh(_ planning: CurvePlanning) throws {
    let sweep = planning.sweep
    let runs = (try? FileManager.default.contentsOfDirectory(atPath: sweep.runsDirectory)) ?? []
    if FileManager.default.fileExists(atPath: sweep.directory + "/curve.h5")
      || runs.contains(where: { $0.hasSuffix(".h5") })
      || FileManager.default.fileExists(atPath: SlurmExecutor.folder(sweep) + "/jobs.json")
    {
      throw StageRefusal("\(sweep.directory) already holds a curve; use --resume to continue it "
                         + "or another --output-dir")
    }
  }

  /// `--dry-run` of the runs: the Slurm batch scripts with their `sbatch` lines, or the local
  /// `strata train` commands. Writes the backbones' specs and the runs' derived specs (the
  /// commands name them), trains nothing.
  public static func dryRun(_ planning: CurvePlanning, commandLine: String,
                            executor: VerifyStage.Executor, log: StageLog) throws -> String
  {
    try writeArchitectures(planning)
    return try VerifyStage.dryRun(CurveMerge(planning: planning, commandLine: commandLine).settings,
                                  executor: executor, log: log)
  }

  /// Trains what is missing of the grid and merges (here, or in the Slurm merge job).
  public static func run(_ planning: CurvePlanning, commandLine: String,
                         executor: VerifyStage.Executor, log: StageLog) throws -> Outcome
  {
    try writeArchitectures(planning)
    let merge = CurveMerge(planning: planning, commandLine: commandLine)
    // The Slurm job gets no report folder: its curve merge writes the curve's own report.
    var executor = executor
    if case .slurm(let settings, let limit, _) = executor {
      executor = .slurm(settings, limit: limit, reportDirectory: nil)
    }
    switch try VerifyStage.execute(merge.settings, executor: executor, log: log) {
    case .failed: return .failed
    case .mergedBySlurm: return .merged(try CurveFile.read(merge.output))
    case .complete:
      let record = try merge.write(threads: try merge.sweep.recordedThreads() ?? 1)
      _ = try CurveReport.write(record, to: merge.reportDirectory)
      return .merged(record)
    }
  }

  /// The backbones that are not built-ins, as spec files the runs read.
  static func writeArchitectures(_ planning: CurvePlanning) throws {
    for file in planning.architectureFiles {
      let folder = URL(fileURLWithPath: file.path).deletingLastPathComponent().path
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try file.data.write(to: URL(fileURLWithPath: file.path), options: .atomic)
      } catch {
        throw SweepError(path: file.path, message: "cannot write the backbone's spec: \(error)")
      }
    }
  }
}
