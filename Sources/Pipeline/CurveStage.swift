import Foundation
import Recording
import Reports

/// The accuracy–memory curve as a stage: the planned grid's runs (each a `strata train` under
/// `runs/`, MEMO and DER of one point and seed continuing from one task-0 training) on local
/// child processes, then `curve.h5` and the report in `report/`. Resumable: runs whose record
/// is complete are kept; a run killed part-way continues from its checkpoint.
public enum CurveStage {
  public enum Outcome: Sendable {
    case merged(CurveRecord, report: [String])
    /// Some runs failed; each was reported.
    case failed
  }

  /// Refuses to start a curve over an earlier one (without `--resume`): curve.h5 or a run's
  /// record in `directory`, checked before anything is written.
  public static func checkFresh(_ planning: CurvePlanning) throws {
    let sweep = planning.sweep
    let runs = (try? FileManager.default.contentsOfDirectory(atPath: sweep.runsDirectory)) ?? []
    if FileManager.default.fileExists(atPath: sweep.directory + "/curve.h5")
      || runs.contains(where: { $0.hasSuffix(".h5") })
    {
      throw StageRefusal("\(sweep.directory) already holds a curve; use --resume to continue it "
                         + "or another --output-dir")
    }
  }

  /// Trains what is missing of the grid, `jobs` runs at a time, and merges.
  public static func run(_ merge: CurveMerge, jobs: Int, log: StageLog) throws -> Outcome {
    let planning = merge.planning
    let sweep = planning.sweep
    for file in planning.architectureFiles {
      let folder = URL(fileURLWithPath: file.path).deletingLastPathComponent().path
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try file.data.write(to: URL(fileURLWithPath: file.path), options: .atomic)
      } catch {
        throw SweepError(path: file.path, message: "cannot write the backbone's spec: \(error)")
      }
    }
    let tasks = try sweep.prepareTasks()
    let threads = try sweep.threads(proposed: LocalExecutor.threads(jobs: jobs))
    let local = LocalExecutor(executable: try StrataExecutable.path(), jobs: jobs,
                              threads: threads, convolution: try sweep.fixedConvolution(log: log))
    guard try local.runLogged(tasks, isComplete: sweep.isComplete, log: log) else { return .failed }
    let record = try merge.write(threads: try sweep.recordedThreads() ?? threads)
    let report = try CurveReport.write(record, to: sweep.directory + "/report")
    return .merged(record, report: report)
  }
}
