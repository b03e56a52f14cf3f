/// One metric of a verification sweep on its grid: `values[candidate][budget][seed]`, NaN where
/// the candidate does not fit the budget (or its run is absent). Seeds are paired: at one seed
/// every candidate saw the same class order, initialization and batch order, so differences
/// between candidates are taken seed by seed.
public struct AccuracyGrid: Sendable, Equatable {
  /// Split names in forward order (`stem`, …, `none`).
  public var candidates: [String]
  /// Total budgets in bytes.
  public var budgets: [Int]
  public var seeds: [Int]
  public var values: [[[Double]]]

  public init(candidates: [String], budgets: [Int], seeds: [Int], values: [[[Double]]]) {
    precondition(values.count == candidates.count
                   && values.allSatisfy { $0.count == budgets.count }
                   && values.allSatisfy { $0.allSatisfy { $0.count == seeds.count } },
                 "values must be [\(candidates.count)][\(budgets.count)][\(seeds.count)]")
    self.candidates = candidates
    self.budgets = budgets
    self.seeds = seeds
    self.values = values
  }

  /// The grid of `value(candidate, budget, seed)` (nil: not fitting or absent → NaN).
  public init(candidates: [String], budgets: [Int], seeds: [Int],
              value: (String, Int, Int) -> Double?)
  {
    self.init(candidates: candidates, budgets: budgets, seeds: seeds,
              values: candidates.map { c in
                budgets.map { b in seeds.map { s in value(c, b, s) ?? .nan } }
              })
  }

  public func index(of candidate: String) -> Int? { candidates.firstIndex(of: candidate) }

  /// Whether the candidate has any value at budget index `b`.
  public func hasValues(_ candidate: Int, budget b: Int) -> Bool {
    values[candidate][b].contains { $0.isFinite }
  }

  /// Mean over seeds at budget index `b` (NaN when it has no values).
  public func mean(_ candidate: Int, budget b: Int) -> Double {
    MeanInterval(values[candidate][b]).mean
  }

  /// Seed-by-seed differences `candidate − reference` at budget index `b`, over the seeds where
  /// both have a value, with their mean and interval.
  public func pairedDifference(_ candidate: Int, reference: Int, budget b: Int,
                               confidence: Double = MeanInterval.defaultConfidence) -> MeanInterval
  {
    let d = zip(values[candidate][b], values[reference][b]).map { $0 - $1 }
    return MeanInterval(d, confidence: confidence)
  }
}
