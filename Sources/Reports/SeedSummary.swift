import Analysis
import Foundation

/// Values over seeds as a chart shows them: the mean and, with two or more seeds, the
/// half-width of its 95% interval (`MeanInterval`: Student's t with n − 1 degrees of freedom,
/// from `StudentT`, seeds being few). With one seed there is no interval and charts draw the
/// point.
public struct SeedSummary: Sendable, Equatable {
  public let values: [Double]
  public let mean: Double
  /// Half-width of the 95% interval of the mean; nil with fewer than two finite values.
  public let halfWidth: Double?

  public init(_ values: [Double]) {
    self.values = values.filter(\.isFinite)
    let interval = MeanInterval(values)
    mean = interval.mean
    halfWidth = interval.hasInterval ? (interval.high - interval.low) / 2 : nil
  }
}
