import Foundation

/// Least-squares fits of one depth profile (values over body blocks in forward order): the best
/// one-step function ("stable up to block k, plastic from k on", or the reverse), the straight
/// line over block index, and the gain of adding a step to that line.
///
/// Boundary k (1...n − 1) puts blocks 0..<k before the step and k..<n after it; ties go to the
/// later boundary (the same fit with fewer specialized parameters). All sums in Float64.
public struct StepFit: Sendable, Equatable {
  /// The boundary of the least-squares step in either direction.
  public let boundary: Int
  /// Mean after minus mean before `boundary` (positive: the deeper blocks change more).
  public let contrast: Double
  /// Squared error of that step fit, of the best line, and of the flat fit (the total sum of
  /// squares around the mean).
  public let stepError: Double
  public let lineError: Double
  public let flatError: Double

  /// Fits `profile` (at least two values, all finite).
  public init(_ profile: [Double]) {
    let n = profile.count
    precondition(n >= 2, "a step needs at least two blocks, got \(n)")
    precondition(profile.allSatisfy(\.isFinite), "step fit of non-finite values \(profile)")
    var total = 0.0, squares = 0.0
    for y in profile { total += y; squares += y * y }
    var best = (k: 1, error: Double.infinity, contrast: 0.0), left = 0.0, leftSquares = 0.0
    for k in 1..<n {
      left += profile[k - 1]
      leftSquares += profile[k - 1] * profile[k - 1]
      let right = total - left, a = Double(k), b = Double(n - k)
      let error = max(0, leftSquares - left * left / a) + max(0, squares - leftSquares - right * right / b)
      if error <= best.error { best = (k, error, right / b - left / a) }
    }
    boundary = best.k
    contrast = best.contrast
    stepError = best.error
    let mean = total / Double(n)
    flatError = profile.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    lineError = Self.lineResiduals(profile).reduce(0) { $0 + $1 * $1 }
  }

  /// Whether the deeper side of the best step is the more plastic one.
  public var rises: Bool { contrast > 0 }

  /// Share of the flat fit's squared error the step removes (NaN for a constant profile).
  public var explainedVariance: Double { flatError > 0 ? 1 - stepError / flatError : .nan }

  /// Residuals of the least-squares line over block index 0..<n.
  public static func lineResiduals(_ profile: [Double]) -> [Double] {
    let n = Double(profile.count), mx = (n - 1) / 2
    let my = profile.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0
    for (x, y) in profile.enumerated() {
      sxy += (Double(x) - mx) * (y - my)
      sxx += (Double(x) - mx) * (Double(x) - mx)
    }
    let slope = sxx > 0 ? sxy / sxx : 0
    return profile.enumerated().map { x, y in y - my - slope * (Double(x) - mx) }
  }

  /// Residuals of the least-squares quadratic over block index 0..<n (the smooth trends the
  /// decision must not mistake for a step: a ramp, a U, a curve bending once). Exact for n ≤ 3
  /// (all zero).
  public static func trendResiduals(_ profile: [Double]) -> [Double] {
    var residual = profile
    for q in trendBasis(count: profile.count) {
      var dot = 0.0
      for (r, b) in zip(residual, q) { dot += r * b }
      for i in residual.indices { residual[i] -= dot * q[i] }
    }
    return residual
  }

  /// An orthonormal basis of the polynomials of degree ≤ 2 over 0..<n (Gram–Schmidt on 1, x,
  /// x²; fewer vectors when n < 3).
  static func trendBasis(count n: Int) -> [[Double]] {
    var basis: [[Double]] = []
    for degree in 0..<min(3, n) {
      var v = (0..<n).map { Foundation.pow(Double($0) - Double(n - 1) / 2, Double(degree)) }
      for q in basis {
        let dot = zip(v, q).reduce(0) { $0 + $1.0 * $1.1 }
        for i in v.indices { v[i] -= dot * q[i] }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      basis.append(v.map { $0 / norm })
    }
    return basis
  }

  /// For boundaries k = 1...n − 1, the step indicator 1[block ≥ k] with the least-squares
  /// quadratic over block index removed. A rising step added to the quadratic at k reduces its
  /// squared error by (r·d_k)² / (d_k·d_k), where r are the quadratic's residuals and d_k this
  /// vector.
  public static func detrendedSteps(count n: Int) -> [[Double]] {
    (1..<max(n, 1)).map { k in trendResiduals((0..<n).map { $0 >= k ? 1.0 : 0.0 }) }
  }
}
