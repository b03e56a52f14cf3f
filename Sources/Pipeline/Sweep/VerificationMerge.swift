import Analysis
import Foundation
import HDF5
import Recording
import Tensor

/// Joins a finished verification sweep into `verify.h5` with the verdict. `strata verify` calls
/// it after local runs and a Slurm merge job after the job array, from the same settings (the
/// Slurm executor stores them as JSON beside the runs), so both write the same file.
public struct VerificationMerge: Sendable, Equatable, Codable {
  public var sweep: VerificationSweep
  /// The split the verdict judges; nil when split.json recommends none.
  public var judged: String?
  /// `average` or `last` (`--metric`).
  public var metric: String
  public var tolerance: Double
  /// The `strata verify` command line, kept as the merged file's provenance.
  public var commandLine: String
  /// The split split.json recommends (the per-budget verdicts' reference); nil when none is
  /// recommended or the candidates were named: then the reference is the best mean, and the
  /// verdicts say so.
  public var recommended: String?
  /// Set when the sweep is an accuracy–memory curve (`strata curve`): the merge writes
  /// curve.h5 and its report (`CurveMerge`) instead of verify.h5 and a verdict.
  public var curve: CurveMerge.Layout?

  public init(sweep: VerificationSweep, judged: String?, metric: String, tolerance: Double,
              commandLine: String, recommended: String? = nil, curve: CurveMerge.Layout? = nil)
  {
    self.recommended = recommended
    self.curve = curve
    self.sweep = sweep
    self.judged = judged
    self.metric = metric
    self.tolerance = tolerance
    self.commandLine = commandLine
  }

  public static let metrics: [String: Verdict.Metric] = [
    "average": .averageIncrementalAccuracy, "last": .lastAccuracy,
  ]

  public var output: String { sweep.directory + (curve == nil ? "/verify.h5" : "/curve.h5") }

  /// The curve's merge when the sweep is a curve.
  public var curveMerge: CurveMerge? {
    curve.map { CurveMerge(sweep: sweep, layout: $0, commandLine: commandLine) }
  }

  /// Reads every run's record, judges and writes `verify.h5` (whole or not at all).
  @discardableResult
  public func write(threads: Int) throws -> VerificationRecord {
    guard let verdictMetric = Self.metrics[metric] else {
      throw SweepError(path: output, message: "unknown verdict metric \(metric)")
    }
    let runs = try sweep.collect()
    let candidateNames = sweep.candidates.map(\.split)
    // The summary verdict (root attributes, for older readers): at the first budget the judged
    // split fits; the per-budget verdicts are in `statistics`.
    let summaryBudget = sweep.budgets.first { b in runs.contains { $0.candidate == judged && $0.budget == b } }
      ?? sweep.budgets[0]
    let verdict = Verdict.judge(runs, candidates: candidateNames, recommended: judged,
                                budget: summaryBudget, metric: verdictMetric,
                                tolerance: tolerance,
                                absence: sweep.candidatesAreNamed ? .candidatesNamed : .analysisFoundNone)
    // The runs' settings, not this process's: the merge trains nothing.
    let provenance = try sweep.mergeProvenance(threads: threads, commandLine: commandLine)
    // The run verified, as the first run recorded it, with the sweep's seeds.
    var run = runs.first?.summary.run
    run?.seeds = sweep.seeds
    var record = VerificationRecord(candidates: candidateNames, roles: sweep.candidates.map(\.role),
                                    budgets: sweep.budgets, seeds: sweep.seeds, runs: runs,
                                    verdict: verdict, provenance: provenance, run: run)
    record.statistics = statistics(runs, metric: verdictMetric)
    record.taskZeroTrainings = sweep.taskZeroTrainings()
    try VerifyFile.write(record, to: output)
    return record
  }

  /// The grid's statistics for verify.h5: `metric` for the paired differences and verdicts,
  /// average incremental and last accuracy for AUC-A and AUC-L (memory: what each run held).
  func statistics(_ runs: [VerificationRecord.Run], metric: Verdict.Metric)
    -> VerificationStatisticsArrays
  {
    let names = sweep.candidates.map(\.split)
    func grid(_ value: @escaping (TrainingSummary) -> Double) -> AccuracyGrid {
      AccuracyGrid(candidates: names, budgets: sweep.budgets, seeds: sweep.seeds) { c, b, s in
        runs.first { $0.candidate == c && $0.budget == b && $0.seed == s }.map { value($0.summary) }
      }
    }
    // The AUC runs over the budgets, as the survey's: a candidate that holds less than a budget
    // because the stream ran out of images to keep (one backbone at a large budget) still stood
    // at that budget; over the bytes it held, its curve would shrink to a point and its area to
    // nothing however accurate it was.
    let fits = sweep.candidates.indices.map { c in
      sweep.budgets.indices.map { sweep.fits(candidate: c, budget: $0) ? Int32(1) : 0 }
    }
    let compared = VerificationStatistics(
      grid: grid { metric == .lastAccuracy ? $0.cnn.lastAccuracy : $0.cnn.averageIncrementalAccuracy },
      fits: fits, recommended: recommended)
    let average = metric == .averageIncrementalAccuracy ? compared
      : VerificationStatistics(grid: grid { $0.cnn.averageIncrementalAccuracy }, fits: fits,
                               recommended: recommended)
    let last = VerificationStatistics(grid: grid { $0.cnn.lastAccuracy }, fits: fits,
                                      recommended: recommended)
    return VerificationStatisticsArrays(
      fits: fits, verdicts: compared.verdictText, metric: metric.rawValue,
      pairedDifference: compared.pairedDifference, pairedDifferenceLow: compared.pairedDifferenceLow,
      pairedDifferenceHigh: compared.pairedDifferenceHigh, auc: average.auc,
      aucMean: average.aucMean, aucLow: average.aucLow, aucHigh: average.aucHigh,
      aucLast: last.auc, aucLastMean: last.aucMean, aucLastLow: last.aucLow,
      aucLastHigh: last.aucHigh)
  }

  /// Stores the settings for a merge that runs elsewhere (a Slurm job).
  public func save(to path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw SweepError(path: folder, message: "cannot create the folder: \(error)")
    }
    try SweepJSON.write(self, to: path, what: "the sweep's settings")
  }

  public static func load(_ path: String) throws -> VerificationMerge {
    guard let merge = try SweepJSON.read(VerificationMerge.self, from: path,
                                         what: "a sweep settings file")
    else { throw SweepError(path: path, message: "missing: the sweep's settings") }
    return merge
  }
}
