import CIL
import Recording

/// The area under accuracy against memory (MEMO §5) of each candidate and seed of a
/// verification, over its budgets: computed here, so the verification file only writes it.
public enum VerificationAreas {
  /// Nil with fewer than two budgets (no curve) or when a run is missing (the writer names it).
  public static func compute(_ record: VerificationRecord) -> VerificationRecord.Areas? {
    guard record.budgets.count >= 2 else { return nil }
    func areas(_ metric: KeyPath<TrainingSummary, Double>) -> [Double]? {
      var result: [Double] = []
      for candidate in record.candidates {
        for seed in record.seeds {
          var points: [(bytes: Int, accuracy: Double)] = []
          for budget in record.budgets {
            guard let summary = record.run(candidate, budget: budget, seed: seed)?.summary
            else { return nil }
            points.append((summary.totalBytes.last ?? 0, summary[keyPath: metric]))
          }
          result.append(AccuracyMemoryCurve(points).area)
        }
      }
      return result
    }
    guard let average = areas(\.cnn.averageIncrementalAccuracy), let last = areas(\.cnn.lastAccuracy)
    else { return nil }
    return VerificationRecord.Areas(average: average, last: last)
  }
}
