/// Everything verify.h5 stores about a sweep's statistics, for one metric, in the shapes of its
/// variables (candidate-major, as `VerifyFile` lays out every grid variable):
///
/// | variable | shape | here |
/// | --- | --- | --- |
/// | `fits` | candidate × budget | `fits` (0/1) |
/// | `verdict` | budget | `verdicts[b].sentence` |
/// | `paired_difference`, `_ci_low`, `_ci_high` | candidate × budget | `pairedDifference`, `pairedDifferenceLow`, `pairedDifferenceHigh` |
/// | `auc` | candidate × seed | `auc` |
/// | `auc_mean`, `auc_ci_low`, `auc_ci_high` | candidate | `aucMean`, `aucLow`, `aucHigh` |
///
/// Paired differences are candidate − the budget's reference (`BudgetVerdict.reference`), a
/// fraction of accuracy; NaN where the candidate does not fit. The AUC is in MB × accuracy.
public struct VerificationStatistics: Sendable, Equatable {
  public var grid: AccuracyGrid
  /// `fits[candidate][budget]`, 1 or 0.
  public var fits: [[Int32]]
  public var verdicts: [BudgetVerdict]
  public var areas: [AreaUnderCurve]

  /// `grid` holds the metric (NaN where a candidate does not fit); `fits` is the plan's
  /// (`VerificationGrid.fitsTable`), or where the grid has values when nil; `totalBytes` the
  /// memory each run held at its end, for the AUC's x axis.
  public init(grid: AccuracyGrid, fits: [[Int32]]? = nil, recommended: String?,
              totalBytes: [[[Int]]]? = nil,
              confidence: Double = MeanInterval.defaultConfidence)
  {
    self.grid = grid
    self.fits = fits ?? grid.candidates.indices.map { c in
      grid.budgets.indices.map { grid.hasValues(c, budget: $0) ? 1 : 0 }
    }
    precondition(self.fits.count == grid.candidates.count
                   && self.fits.allSatisfy { $0.count == grid.budgets.count },
                 "fits must be [\(grid.candidates.count)][\(grid.budgets.count)]")
    verdicts = grid.budgets.indices.map {
      BudgetVerdict(grid: grid, budget: $0, recommended: recommended, confidence: confidence)
    }
    areas = AreaUnderCurve.areas(grid, totalBytes: totalBytes, confidence: confidence)
  }

  /// `verdict[budget]`.
  public var verdictText: [String] { verdicts.map(\.sentence) }

  /// `paired_difference[candidate, budget]` and its bounds, candidate-major.
  public var pairedDifference: [[Double]] { differences(\.mean) }
  public var pairedDifferenceLow: [[Double]] { differences(\.low) }
  public var pairedDifferenceHigh: [[Double]] { differences(\.high) }

  private func differences(_ part: KeyPath<MeanInterval, Double>) -> [[Double]] {
    grid.candidates.indices.map { c in verdicts.map { $0.differences[c][keyPath: part] } }
  }

  /// `auc[candidate, seed]`.
  public var auc: [[Double]] { areas.map(\.perSeed) }
  public var aucMean: [Double] { areas.map(\.interval.mean) }
  public var aucLow: [Double] { areas.map(\.interval.low) }
  public var aucHigh: [Double] { areas.map(\.interval.high) }
}
