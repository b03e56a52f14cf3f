import Recording

/// The verdict on a recommended split: it is "verified" when its mean accuracy over seeds, at the
/// first budget, is within `tolerance` of the best candidate's; otherwise "not verified", and the
/// better split is named; without a recommendation, "no recommendation" and the best candidate.
/// With several seeds the reason also gives the spread, so a reader can
/// judge whether the gap is larger than the noise.
public enum Verdict {
  /// Default tolerance: one percentage point, about the seed-to-seed spread the MEMO paper's
  /// CIFAR-100 tables show.
  public static let defaultTolerance = 0.01

  public enum Metric: String, CaseIterable, Sendable {
    case averageIncrementalAccuracy = "average_incremental_accuracy"
    case lastAccuracy = "last_accuracy"

    func value(_ summary: TrainingSummary) -> Double {
      switch self {
      case .averageIncrementalAccuracy: summary.cnn.averageIncrementalAccuracy
      case .lastAccuracy: summary.cnn.lastAccuracy
      }
    }
  }

  /// Mean and sample standard deviation over seeds of each candidate at `budget`.
  public static func means(_ runs: [VerificationRecord.Run], candidates: [String], budget: Int,
                           metric: Metric) -> [(mean: Double, deviation: Double)]
  {
    candidates.map { candidate in
      let values = runs.filter { $0.candidate == candidate && $0.budget == budget }
        .map { metric.value($0.summary) }
      guard !values.isEmpty else { return (.nan, .nan) }
      let mean = values.reduce(0, +) / Double(values.count)
      let deviation = values.count < 2 ? .nan
        : (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
          .squareRoot()
      return (mean, deviation)
    }
  }

  /// Why there is no recommendation: the analysis found none, or none was asked for.
  public enum Absence: Sendable {
    /// The split analysis ran and recommended no split.
    case analysisFoundNone
    /// The candidates were named (`--splits` without `auto`); no analysis was consulted.
    case candidatesNamed

    var reason: String {
      switch self {
      case .analysisFoundNone: "the split analysis recommended no split"
      case .candidatesNamed: "the candidates were named, no split analysis was consulted"
      }
    }
  }

  public static func judge(_ runs: [VerificationRecord.Run], candidates: [String],
                           recommended: String?, budget: Int, metric: Metric = .averageIncrementalAccuracy,
                           tolerance: Double = defaultTolerance,
                           absence: Absence = .analysisFoundNone) -> VerificationRecord.Verdict
  {
    let stats = means(runs, candidates: candidates, budget: budget, metric: metric)
    let finite = candidates.indices.filter { stats[$0].mean.isFinite }
    guard let recommended else {
      let best = finite.max { stats[$0].mean < stats[$1].mean }
      return .init(status: "no recommendation", recommended: "",
                   best: best.map { candidates[$0] } ?? "", metric: metric.rawValue,
                   tolerance: tolerance, reason: absence.reason
                     + (best.map { String(format: "; at equal memory the best candidate is %@ (%.2f%%)",
                                          candidates[$0], 100 * stats[$0].mean) } ?? ""))
    }
    guard let best = finite.max(by: { stats[$0].mean < stats[$1].mean }),
          let r = candidates.firstIndex(of: recommended), stats[r].mean.isFinite
    else {
      return .init(status: "not verified", recommended: recommended, best: "",
                   metric: metric.rawValue, tolerance: tolerance,
                   reason: "no finite \(metric.rawValue) for the recommended split")
    }
    let gap = stats[best].mean - stats[r].mean
    let spread = stats[r].deviation.isFinite
      ? String(format: " (seed std %.2f points)", 100 * stats[r].deviation) : ""
    let verified = gap <= tolerance
    let reason = best == r
      ? String(format: "%@ is the best candidate at equal memory: %.2f%%%@",
               recommended, 100 * stats[r].mean, spread)
      : String(format: "%@ reaches %.2f%%%@, %.2f points below the best, %@ (%.2f%%); the tolerance is %.2f points",
               recommended, 100 * stats[r].mean, spread, 100 * gap, candidates[best],
               100 * stats[best].mean, 100 * tolerance)
    return .init(status: verified ? "verified" : "not verified", recommended: recommended,
                 best: candidates[best], metric: metric.rawValue, tolerance: tolerance,
                 reason: reason)
  }
}
