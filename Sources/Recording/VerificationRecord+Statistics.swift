/// The statistics of a verification grid as verify.h5 stores them (computed in `Analysis` by
/// `VerificationStatistics`; Recording only writes and reads the arrays). Candidate-major.
public struct VerificationStatisticsArrays: Sendable, Equatable {
  /// `fits[candidate][budget]`: 1 where the candidate's model fits the budget, else 0.
  public var fits: [[Int32]]
  /// `verdict[budget]`: one sentence per budget.
  public var verdicts: [String]
  /// The metric the paired differences compare (`average_incremental_accuracy` or `last_accuracy`).
  public var metric: String
  /// `paired_difference[candidate][budget]` and its 95% interval (fraction of accuracy).
  public var pairedDifference: [[Double]]
  public var pairedDifferenceLow: [[Double]]
  public var pairedDifferenceHigh: [[Double]]
  /// `auc[candidate][seed]` (AUC-A) and its mean and 95% interval over seeds, in MB.
  public var auc: [[Double]]
  public var aucMean: [Double]
  public var aucLow: [Double]
  public var aucHigh: [Double]
  /// The same from last accuracy (AUC-L): `auc_last…`.
  public var aucLast: [[Double]]
  public var aucLastMean: [Double]
  public var aucLastLow: [Double]
  public var aucLastHigh: [Double]

  public init(fits: [[Int32]], verdicts: [String], metric: String, pairedDifference: [[Double]],
              pairedDifferenceLow: [[Double]], pairedDifferenceHigh: [[Double]],
              auc: [[Double]], aucMean: [Double], aucLow: [Double], aucHigh: [Double],
              aucLast: [[Double]], aucLastMean: [Double], aucLastLow: [Double],
              aucLastHigh: [Double])
  {
    self.fits = fits
    self.verdicts = verdicts
    self.metric = metric
    self.pairedDifference = pairedDifference
    self.pairedDifferenceLow = pairedDifferenceLow
    self.pairedDifferenceHigh = pairedDifferenceHigh
    self.auc = auc
    self.aucMean = aucMean
    self.aucLow = aucLow
    self.aucHigh = aucHigh
    self.aucLast = aucLast
    self.aucLastMean = aucLastMean
    self.aucLastLow = aucLastLow
    self.aucLastHigh = aucLastHigh
  }
}
