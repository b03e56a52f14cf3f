import Common
import Data

/// The two resampling tests behind `SplitDecision`, on P (seed, task) profiles of n blocks.
///
/// - Against flat: T = max over rising boundaries k of k(n−k)/n · (mean after − mean before)²
///   on the mean profile, the squared error the least-squares rising step removes from the
///   flat fit. Null: block labels permuted within each profile independently, so profiles keep
///   their own level and scale; exact when a profile's blocks are exchangeable.
/// - Against a smooth trend (a ramp, a U, a curve bending once: any quadratic over block
///   index): F = max over rising k of (m·d_k)²/(d_k·d_k) ÷ (s²/P), where m is the mean of the
///   profiles' residuals from their own quadratic fits, d_k the step at k with the quadratic
///   removed (`StepFit.detrendedSteps`), and s² the pooled residual variance (P(n − 3) degrees
///   of freedom), so s²/P estimates the noise variance of the mean profile. F does not change
///   when a quadratic is added to any profile or all values are scaled, so its null
///   distribution under independent Gaussian noise is the same for every trend and noise level:
///   it is simulated from standard normal profiles (a parametric Monte Carlo test, exact under
///   Gaussian noise). A permutation null is not used here: residuals from a fitted trend are
///   not exchangeable, and permuting them (Freedman–Lane) let a U shape through in about half
///   the draws in a prototype of this rule.
///
/// p = (1 + #{T* ≥ T}) / (1 + resamples) (Phipson & Smyth 2010: never 0). Random draws use
/// `SplitMix64` streams derived from `seed` (Fisher–Yates with `nextInt(below:)`; Box–Muller
/// from `nextUniform`), so the result is the same on every machine.
struct StepTests {
  let flat: Double
  let trend: Double

  /// `profiles` row-major [P][n], all finite; n ≥ 4.
  init(profiles: [Double], count n: Int, resamples: Int, seed: UInt64) {
    precondition(n >= 4 && profiles.count % n == 0 && !profiles.isEmpty, "P × n profiles, n ≥ 4")
    let p = profiles.count / n
    // Floating-point sums of the same values in another order differ in the last bits; a
    // resample that ties the observation counts as at least as extreme.
    func atLeast(_ observed: Double) -> Double { observed - 1e-12 * max(observed, 1e-300) }

    let observedFlat = atLeast(Self.flatStatistic(Self.mean(profiles, count: n)))
    var generator = SplitMix64.derived(seed: seed, 1)
    var exceed = 0, order = [Int](repeating: 0, count: n), sum = [Double](repeating: 0, count: n)
    for _ in 0..<resamples {
      for b in 0..<n { sum[b] = 0 }
      profiles.withUnsafeBufferPointer { values in
        for row in 0..<p {
          for b in 0..<n { order[b] = b }
          var i = n - 1
          while i > 0 {
            order.swapAt(i, generator.nextInt(below: i + 1))
            i -= 1
          }
          for b in 0..<n { sum[b] += values[row * n + order[b]] }
        }
      }
      if Self.flatStatistic(sum) >= observedFlat * Double(p * p) { exceed += 1 }
    }
    flat = Double(1 + exceed) / Double(1 + resamples)

    let observedTrend = atLeast(TrendStatistic(count: n).value(profiles))
    let null = TrendStatistic.null(profiles: p, count: n, resamples: resamples, seed: seed)
    trend = Double(1 + null.count - Self.firstIndex(atLeast: observedTrend, in: null))
      / Double(1 + resamples)
  }

  /// The mean profile of row-major [P][n] values.
  static func mean(_ values: [Double], count n: Int) -> [Double] {
    var sum = [Double](repeating: 0, count: n)
    for (i, v) in values.enumerated() { sum[i % n] += v }
    let p = Double(values.count / n)
    return sum.map { $0 / p }
  }

  /// Between-segment sum of squares of the best rising step; homogeneous of degree 2, so the
  /// sum of P profiles gives P² times the mean's value.
  static func flatStatistic(_ profile: [Double]) -> Double {
    let n = profile.count
    let total = profile.reduce(0, +)
    var left = 0.0, best = 0.0
    for k in 1..<n {
      left += profile[k - 1]
      let a = Double(k), b = Double(n - k), contrast = (total - left) / b - left / a
      if contrast > 0 { best = max(best, a * b / Double(n) * contrast * contrast) }
    }
    return best
  }

  /// The first index of a sorted array whose value is ≥ `x` (its count when none is).
  static func firstIndex(atLeast x: Double, in sorted: [Double]) -> Int {
    var (low, high) = (0, sorted.count)
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < x { low = middle + 1 } else { high = middle }
    }
    return low
  }
}
