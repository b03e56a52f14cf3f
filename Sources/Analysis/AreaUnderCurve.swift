import CIL

/// The area under a candidate's accuracy–memory curve, per seed, with its mean and t interval
/// over seeds: AUC-A (from average incremental accuracy) or AUC-L (from last accuracy) of the
/// CIL survey (Zhou, Wang, Qi, Ye, Zhan, Liu, "Deep Class-Incremental Learning: A Survey", 2023,
/// github.com/zhoudw-zdw/CIL_Survey) and MEMO (ICLR 2023, §5). As there, the area is the
/// trapezoid rule over the budget points with memory in MB (2^20 bytes: MEMO's 23.5 MB is DER's
/// 24,684,160-byte CIFAR budget) and accuracy as a fraction, not divided by the memory range:
/// the survey's CIFAR-100 B0 Inc10 AUC-A of about 10.8 is ≈ 0.68 accuracy × the 16 MB its
/// budgets span (its README table; its repository publishes the budgets, not the AUC code).
///
/// A candidate's curve runs over the budgets it fits, so candidates that fit different budgets
/// span different memory ranges: compare AUCs only between candidates with the same `fits` row.
public struct AreaUnderCurve: Sendable, Equatable {
  public var candidate: String
  /// Per seed, in grid order; NaN where the candidate fits fewer than two budgets.
  public var perSeed: [Double]
  /// Mean and interval over the seeds with an area.
  public var interval: MeanInterval
  /// Budgets (grid indices) the curve runs over.
  public var budgets: [Int]

  /// The areas of every candidate of `grid`. `totalBytes[c][b][s]` is the memory a run held
  /// at its end (model plus exemplars, at most the budget); nil takes the budgets themselves.
  public static func areas(_ grid: AccuracyGrid, totalBytes: [[[Int]]]? = nil,
                           confidence: Double = MeanInterval.defaultConfidence) -> [AreaUnderCurve]
  {
    grid.candidates.indices.map { c in
      let covered = grid.budgets.indices.filter { grid.hasValues(c, budget: $0) }
      let perSeed = grid.seeds.indices.map { s -> Double in
        let points = covered.compactMap { b -> (bytes: Int, accuracy: Double)? in
          let accuracy = grid.values[c][b][s]
          guard accuracy.isFinite else { return nil }
          return (totalBytes?[c][b][s] ?? grid.budgets[b], accuracy)
        }
        return points.count >= 2 ? AccuracyMemoryCurve(points).area : .nan
      }
      return AreaUnderCurve(candidate: grid.candidates[c], perSeed: perSeed,
                            interval: MeanInterval(perSeed, confidence: confidence),
                            budgets: covered)
    }
  }
}
