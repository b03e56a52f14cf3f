import Analysis
import CIL
import Foundation
import Recording
import Tensor

/// Joins a finished curve sweep into `curve.h5`: every run's accuracies and ledger (verify.h5's
/// layout, one candidate per method, one budget per point), per point the paired difference of
/// each method to MEMO with its 95% t interval over seeds, and per method the area under
/// accuracy against memory (AUC-A, AUC-L, MB) with its interval (`AreaUnderCurve`).
///
/// Everything it needs is plain data (`Layout`), so a Slurm merge job can run it from the
/// sweep's settings file (`VerificationMerge.curve`) as `strata verify`'s merge job does.
public struct CurveMerge: Sendable {
  /// What of the plan the merged file and its sentences name, per point and method.
  public struct Layout: Sendable, Codable, Equatable {
    /// Per point: its backbone's name and its budget in MB (2^20 bytes).
    public var pointBackbones: [String]
    public var pointMegabytes: [Double]
    /// `backbones[candidate][budget]`, `splits[candidate][budget]` and
    /// `plannedExemplars[candidate][budget]` (-1: the model does not fit), as `CurveRecord`.
    public var backbones: [[String]]
    public var splits: [[String]]
    public var plannedExemplars: [[Int]]
    public var benchmarkBackbone: String
    public var referenceExemplars: Int
    public var tasks: Int
    /// Task-0 trainings planned (the count recorded when task 0 is not shared).
    public var plannedTaskZeroTrainings: Int

    public init(_ planning: CurvePlanning) {
      let plan = planning.plan
      pointBackbones = plan.points.map(\.backbone.name)
      pointMegabytes = plan.points.map(\.megabytes)
      backbones = [pointBackbones, pointBackbones, plan.points.map { _ in plan.benchmark.name }]
      splits = planning.splits
      plannedExemplars = planning.exemplars.map { $0.map { $0 ?? -1 } }
      benchmarkBackbone = plan.benchmark.name
      referenceExemplars = plan.exemplars
      tasks = plan.tasks
      plannedTaskZeroTrainings = planning.taskZeroTrainings
    }
  }

  public var sweep: VerificationSweep
  public var layout: Layout
  /// The `strata curve` command line, kept as the file's provenance.
  public var commandLine: String

  public init(planning: CurvePlanning, commandLine: String) {
    self.init(sweep: planning.sweep, layout: Layout(planning), commandLine: commandLine)
  }

  public init(sweep: VerificationSweep, layout: Layout, commandLine: String) {
    self.sweep = sweep
    self.layout = layout
    self.commandLine = commandLine
  }

  public var output: String { sweep.directory + "/curve.h5" }
  public var reportDirectory: String { sweep.directory + "/report" }

  /// The settings a Slurm merge job reads back (`SweepSteps.merge`): the sweep, and this
  /// layout in place of a verdict's settings.
  public var settings: VerificationMerge {
    VerificationMerge(sweep: sweep, judged: nil, metric: "average", tolerance: 0,
                      commandLine: commandLine, curve: layout)
  }

  /// Reads every run's record and writes curve.h5 (whole or not at all).
  @discardableResult
  public func write(threads: Int) throws -> CurveRecord {
    let runs = try sweep.collect()
    let names = sweep.candidates.map(\.split)
    let fits = sweep.fits ?? names.map { _ in sweep.budgets.map { _ in Int32(1) } }
    func grid(_ value: (TrainingSummary) -> Double) -> AccuracyGrid {
      AccuracyGrid(candidates: names, budgets: sweep.budgets, seeds: sweep.seeds) { c, b, s in
        runs.first { $0.candidate == c && $0.budget == b && $0.seed == s }.map { value($0.summary) }
      }
    }
    // The curve's x axis is its budget points, as the paper's: a run that cannot fill its
    // budget (fewer images than the exemplars it may keep) is still that point's method, so
    // the area is over the budgets, not over the memory each run happened to hold.
    let totalBytes: [[[Int]]]? = nil
    let average = VerificationStatistics(grid: grid { $0.cnn.averageIncrementalAccuracy },
                                         fits: fits, recommended: names[0], totalBytes: totalBytes)
    let last = VerificationStatistics(grid: grid { $0.cnn.lastAccuracy }, fits: fits,
                                      recommended: names[0], totalBytes: totalBytes)
    let sentences = sweep.budgets.indices.map { pointSentence(average, budget: $0) }
    // method − MEMO at each point, seed by seed (NaN where either does not fit).
    let differences = names.indices.map { c in
      sweep.budgets.indices.map { average.grid.pairedDifference(c, reference: 0, budget: $0) }
    }
    let statistics = VerificationStatisticsArrays(
      fits: fits, verdicts: sentences, metric: Verdict.Metric.averageIncrementalAccuracy.rawValue,
      pairedDifference: differences.map { $0.map(\.mean) },
      pairedDifferenceLow: differences.map { $0.map(\.low) },
      pairedDifferenceHigh: differences.map { $0.map(\.high) }, auc: average.auc,
      aucMean: average.aucMean, aucLow: average.aucLow, aucHigh: average.aucHigh,
      aucLast: last.auc, aucLastMean: last.aucMean, aucLastLow: last.aucLow,
      aucLastHigh: last.aucHigh)
    let provenance = try sweep.mergeProvenance(threads: threads, commandLine: commandLine)
    var run = runs.first?.summary.run
    run?.seeds = sweep.seeds
    let best = names.indices.filter { average.aucMean[$0].isFinite }
      .max { average.aucMean[$0] < average.aucMean[$1] }
    let verdict = VerificationRecord.Verdict(
      status: "accuracy-memory curve", recommended: "",
      best: best.map { names[$0] } ?? "", metric: Verdict.Metric.averageIncrementalAccuracy.rawValue,
      tolerance: 0, reason: Self.areaSentence(names, average.areas, seeds: sweep.seeds.count))
    var record = VerificationRecord(candidates: names, roles: sweep.candidates.map(\.role),
                                    budgets: sweep.budgets, seeds: sweep.seeds, runs: runs,
                                    verdict: verdict, provenance: provenance, run: run)
    record.statistics = statistics
    record.taskZeroTrainings = (sweep.sharesTaskZero ?? false)
      ? sweep.taskZeroFiles().count : layout.plannedTaskZeroTrainings
    let curve = CurveRecord(
      verification: record, backbones: layout.backbones, splits: layout.splits,
      plannedExemplars: layout.plannedExemplars, benchmarkBackbone: layout.benchmarkBackbone,
      referenceExemplars: layout.referenceExemplars, tasks: layout.tasks)
    try CurveFile.write(curve, to: output)
    return curve
  }

  /// "point 2 (resnet14, 12.42 MB): memo 61.20%; der 58.00%, −3.20 points (95% CI …) from memo; …"
  func pointSentence(_ statistics: VerificationStatistics, budget b: Int) -> String {
    let grid = statistics.grid
    let points = { (x: Double) in String(format: "%+.2f", 100 * x) }
    let parts = grid.candidates.indices.map { c -> String in
      let name = grid.candidates[c]
      guard grid.hasValues(c, budget: b) else { return "\(name) does not fit" }
      var text = "\(name) " + String(format: "%.2f%%", 100 * grid.mean(c, budget: b))
      if c > 0, grid.hasValues(0, budget: b) {
        let d = grid.pairedDifference(c, reference: 0, budget: b)
        text += ", \(points(d.mean)) points from \(grid.candidates[0])"
        text += d.hasInterval ? " (95% CI \(points(d.low)) to \(points(d.high)))"
          : " (\(d.count) seed\(d.count == 1 ? "" : "s"): no interval)"
      }
      return text
    }
    return "point \(b + 1) (\(layout.pointBackbones[b]), "
      + String(format: "%.2f MB", layout.pointMegabytes[b]) + "): "
      + parts.joined(separator: "; ") + " (average incremental accuracy, mean over seeds)"
  }

  /// "AUC-A (MB × accuracy) over 3 seeds: memo 1.234 (95% CI …); …"
  static func areaSentence(_ names: [String], _ areas: [AreaUnderCurve], seeds: Int) -> String {
    "AUC-A (MB × average incremental accuracy, mean over \(seeds) seed\(seeds == 1 ? "" : "s")): "
      + zip(names, areas).map { name, area in
        let i = area.interval
        guard i.mean.isFinite else { return "\(name) – (fits fewer than two points)" }
        return "\(name) " + String(format: "%.4f", i.mean)
          + (i.hasInterval ? String(format: " (95%% CI %.4f to %.4f)", i.low, i.high) : "")
      }.joined(separator: "; ")
  }
}
