import HDF5

/// verify.h5's statistics variables: fits, per-budget verdict, paired differences with their
/// intervals, AUC-A (`auc…`) and AUC-L (`auc_last…`) per candidate and seed with their intervals.
extension VerifyFile {
  /// The variables (name, dimensions, long_name, units, description) in the order written.
  static let statisticsVariables: [(String, [String], String, String, String)] = [
    ("fits", ["candidate", "budget"], "candidate fits the budget", "1",
     "1 where the candidate's model (4 bytes per backbone parameter after the last task) fits "
       + "the total budget, 0 where it alone exceeds it: no runs there"),
    ("verdict", ["budget"], "verdict at the budget", "",
     "which split is best among the MEMO candidates, and MEMO at the reference against one "
       + "backbone and DER, from 95% paired intervals over seeds"),
    ("paired_difference", ["candidate", "budget"], "paired difference to the reference", "1",
     "mean over seeds of the candidate's accuracy minus the reference's at the same seed "
       + "(the metric attribute names the accuracy); NaN where the candidate does not fit"),
    ("paired_difference_ci_low", ["candidate", "budget"], "paired difference, 95% CI low", "1",
     "lower end of the two-sided 95% Student t interval over seeds (n-1 df); NaN with one seed"),
    ("paired_difference_ci_high", ["candidate", "budget"], "paired difference, 95% CI high", "1",
     "upper end of the two-sided 95% Student t interval over seeds (n-1 df); NaN with one seed"),
    ("auc", ["candidate", "seed"], "area under the accuracy-memory curve (AUC-A)", "MB",
     "trapezoid over the budgets the candidate fits of average incremental accuracy (fraction) "
       + "against total memory in MB (2^20 bytes); NaN below two budgets"),
    ("auc_mean", ["candidate"], "AUC-A, mean over seeds", "MB", "mean of auc over seeds"),
    ("auc_ci_low", ["candidate"], "AUC-A, 95% CI low", "MB", "Student t interval over seeds"),
    ("auc_ci_high", ["candidate"], "AUC-A, 95% CI high", "MB", "Student t interval over seeds"),
    ("auc_last", ["candidate", "seed"], "area under the last-accuracy-memory curve (AUC-L)", "MB",
     "as auc with last accuracy"),
    ("auc_last_mean", ["candidate"], "AUC-L, mean over seeds", "MB", "mean of auc_last over seeds"),
    ("auc_last_ci_low", ["candidate"], "AUC-L, 95% CI low", "MB", "Student t interval over seeds"),
    ("auc_last_ci_high", ["candidate"], "AUC-L, 95% CI high", "MB", "Student t interval over seeds"),
  ]

  static func writeStatistics(_ s: VerificationStatisticsArrays, into root: HDF5Group) throws {
    let doubles: [String: [Double]] = [
      "paired_difference": s.pairedDifference.flatMap { $0 },
      "paired_difference_ci_low": s.pairedDifferenceLow.flatMap { $0 },
      "paired_difference_ci_high": s.pairedDifferenceHigh.flatMap { $0 },
      "auc": s.auc.flatMap { $0 }, "auc_mean": s.aucMean, "auc_ci_low": s.aucLow,
      "auc_ci_high": s.aucHigh, "auc_last": s.aucLast.flatMap { $0 },
      "auc_last_mean": s.aucLastMean, "auc_last_ci_low": s.aucLastLow,
      "auc_last_ci_high": s.aucLastHigh,
    ]
    for (name, dimensions, long, units, description) in statisticsVariables {
      switch name {
      case "fits": try root.createVariable(name, dimensions: dimensions, values: s.fits.flatMap { $0 })
      case "verdict": try root.createVariable(name, dimensions: dimensions, values: s.verdicts)
      default: try root.createVariable(name, dimensions: dimensions, values: doubles[name]!)
      }
      try root.describe(name, long, units, description)
    }
    try root.openDataset("paired_difference").attributes.write("metric", s.metric)
  }

  /// The statistics of the file, nil when it predates them (no `fits`).
  static func readStatistics(_ root: HDF5Group, candidates: Int, budgets: Int, seeds: Int,
                             path: String) throws -> VerificationStatisticsArrays?
  {
    guard try root.contains("fits") else { return nil }
    for (name, dimensions, _, _, _) in statisticsVariables where !(try root.contains(name)) {
      throw RecordingError(path: path, message: "has fits but no \(name) \(dimensions)")
    }
    let sizes = ["candidate": candidates, "budget": budgets, "seed": seeds]
    func read<T: HDF5Element>(_ name: String, _ type: T.Type) throws -> [T] {
      let dimensions = statisticsVariables.first { $0.0 == name }!.1
      let expected = dimensions.map { sizes[$0]! }.reduce(1, *)
      let values = try root.openDataset(name).read(T.self)
      guard values.count == expected else {
        throw RecordingError(path: path, message: "\(name) has \(values.count) values, expected "
                             + "\(expected) (\(dimensions.joined(separator: " × ")))")
      }
      return values
    }
    func rows(_ values: [Double], _ width: Int) -> [[Double]] {
      stride(from: 0, to: values.count, by: max(width, 1)).map { Array(values[$0..<$0 + width]) }
    }
    let fits = try read("fits", Int32.self)
    let metric = try root.openDataset("paired_difference").attributes.contains("metric")
      ? try root.openDataset("paired_difference").attributes.read("metric") : ""
    return VerificationStatisticsArrays(
      fits: stride(from: 0, to: fits.count, by: max(budgets, 1)).map { Array(fits[$0..<$0 + budgets]) },
      verdicts: try read("verdict", String.self), metric: metric,
      pairedDifference: rows(try read("paired_difference", Double.self), budgets),
      pairedDifferenceLow: rows(try read("paired_difference_ci_low", Double.self), budgets),
      pairedDifferenceHigh: rows(try read("paired_difference_ci_high", Double.self), budgets),
      auc: rows(try read("auc", Double.self), seeds), aucMean: try read("auc_mean", Double.self),
      aucLow: try read("auc_ci_low", Double.self), aucHigh: try read("auc_ci_high", Double.self),
      aucLast: rows(try read("auc_last", Double.self), seeds),
      aucLastMean: try read("auc_last_mean", Double.self),
      aucLastLow: try read("auc_last_ci_low", Double.self),
      aucLastHigh: try read("auc_last_ci_high", Double.self))
  }
}
