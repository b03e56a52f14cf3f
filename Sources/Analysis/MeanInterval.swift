/// The mean of a small sample (one value per seed) with its two-sided t confidence interval,
/// mean ± t_{1−α/2, n−1} · s/√n, s the sample standard deviation (Student 1908; the t quantile
/// from `StudentT`). Seeds are few (3–10), so a bootstrap would resample almost nothing; the t
/// interval is exact for normal per-seed values and what CIL papers' "mean ± CI" means.
/// With fewer than two values there is no spread: the bounds are NaN.
public struct MeanInterval: Sendable, Equatable {
  public static let defaultConfidence = 0.95

  public var mean: Double
  public var low: Double
  public var high: Double
  /// Values the mean is over (NaN values are left out).
  public var count: Int
  public var confidence: Double

  /// Over the finite `values`.
  public init(_ values: [Double], confidence: Double = defaultConfidence) {
    precondition(confidence > 0 && confidence < 1, "confidence is in (0, 1), not \(confidence)")
    let x = values.filter(\.isFinite)
    count = x.count
    self.confidence = confidence
    guard !x.isEmpty else {
      (mean, low, high) = (.nan, .nan, .nan)
      return
    }
    let n = Double(x.count)
    mean = x.reduce(0, +) / n
    guard x.count >= 2 else {
      (low, high) = (.nan, .nan)
      return
    }
    let m = mean
    let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
    let half = StudentT.critical(confidence: confidence, degreesOfFreedom: n - 1)
      * (variance / n).squareRoot()
    (low, high) = (mean - half, mean + half)
  }

  public init(mean: Double, low: Double, high: Double, count: Int,
              confidence: Double = defaultConfidence)
  {
    (self.mean, self.low, self.high, self.count, self.confidence) = (mean, low, high, count, confidence)
  }

  /// Whether the interval exists (two values or more).
  public var hasInterval: Bool { low.isFinite && high.isFinite }

  /// The interval lies above 0 (the difference is positive at this confidence).
  public var isAboveZero: Bool { hasInterval && low > 0 }
  /// The interval lies below 0.
  public var isBelowZero: Bool { hasInterval && high < 0 }
  /// The interval contains 0: the sign of the difference is not settled.
  public var containsZero: Bool { hasInterval && low <= 0 && high >= 0 }
}
