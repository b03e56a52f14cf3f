import Foundation

/// Values over seeds as a chart shows them: the mean and, with two or more seeds, a 95%
/// interval for it (Student's t with n − 1 degrees of freedom: seeds are few, so the normal
/// 1.96 would be too narrow). With one seed there is no interval and charts draw the point.
public struct SeedSummary: Sendable, Equatable {
  public let values: [Double]
  public let mean: Double
  /// Half-width of the 95% interval of the mean; nil with fewer than two finite values.
  public let halfWidth: Double?

  public init(_ values: [Double]) {
    let finite = values.filter(\.isFinite)
    self.values = finite
    let mean = finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    self.mean = mean
    guard finite.count >= 2 else {
      halfWidth = nil
      return
    }
    let n = Double(finite.count)
    let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    halfWidth = Self.t975(degreesOfFreedom: finite.count - 1) * (variance / n).squareRoot()
  }

  /// The 0.975 quantile of Student's t (two-sided 95%), from the standard table; 1.96 beyond 30.
  static func t975(degreesOfFreedom df: Int) -> Double {
    let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
                           2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
                           2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
                           2.042]
    precondition(df >= 1, "a t quantile needs at least one degree of freedom")
    return df <= table.count ? table[df - 1] : 1.960
  }
}
