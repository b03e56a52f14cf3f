import Common
import Data
import Foundation

/// F of a rising step beyond a quadratic trend over block index, for P profiles of n blocks
/// (`StepTests`): max over k of (m·d_k)²/(d_k·d_k) ÷ (s²/P), m the mean of the profiles'
/// residuals from their own quadratic fits, d_k the detrended step at k, s² the pooled residual
/// variance with P(n − 3) degrees of freedom. 0 when the profiles are exactly quadratic.
struct TrendStatistic {
  let n: Int
  /// The orthonormal quadratic basis, row-major [3][n].
  private let basis: [Double]
  /// The detrended steps d_k / ‖d_k‖ for k = 1...n − 1, row-major [n − 1][n].
  private let steps: [Double]

  init(count n: Int) {
    precondition(n >= 4, "a step beyond a quadratic needs at least 4 blocks")
    self.n = n
    basis = StepFit.trendBasis(count: n).flatMap { $0 }
    steps = StepFit.detrendedSteps(count: n).flatMap { d in
      let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return d.map { $0 / norm }
    }
  }

  /// `values` row-major [P][n].
  func value(_ values: [Double]) -> Double {
    let p = values.count / n
    var meanResidual = [Double](repeating: 0, count: n), residual = meanResidual, squares = 0.0
    values.withUnsafeBufferPointer { v in
      for row in 0..<p {
        for b in 0..<n { residual[b] = v[row * n + b] }
        for j in 0..<3 {
          var dot = 0.0
          for b in 0..<n { dot += residual[b] * basis[j * n + b] }
          for b in 0..<n { residual[b] -= dot * basis[j * n + b] }
        }
        for b in 0..<n {
          meanResidual[b] += residual[b]
          squares += residual[b] * residual[b]
        }
      }
    }
    // meanResidual holds P·m; (P·m·d)² = P²(m·d)².
    let variance = squares / Double(p * (n - 3))
    guard variance > 0 else { return 0 }
    var best = 0.0
    for k in 0..<(n - 1) {
      var dot = 0.0
      for b in 0..<n { dot += meanResidual[b] * steps[k * n + b] }
      if dot > 0 { best = max(best, dot * dot) }
    }
    return best / Double(p * p) / (variance / Double(p))
  }

  /// The sorted null distribution of the statistic for P profiles of n blocks of independent
  /// standard normal noise: it depends on nothing else (the statistic ignores quadratic trends
  /// and a common scale), so it is computed once per (P, n, resamples, seed) and kept.
  static func null(profiles p: Int, count n: Int, resamples: Int, seed: UInt64) -> [Double] {
    let key = Key(profiles: p, count: n, resamples: resamples, seed: seed)
    if let cached = cache.withLock({ $0[key] }) { return cached }
    let statistic = TrendStatistic(count: n)
    var generator = SplitMix64.derived(seed: seed, 2, UInt64(p), UInt64(n))
    var draw = [Double](repeating: 0, count: p * n)
    var values: [Double] = []
    values.reserveCapacity(resamples)
    for _ in 0..<resamples {
      for i in draw.indices { draw[i] = generator.nextGaussian() }
      values.append(statistic.value(draw))
    }
    values.sort()
    cache.withLock { $0[key] = values }
    return values
  }

  private struct Key: Hashable {
    let profiles: Int, count: Int, resamples: Int
    let seed: UInt64
  }

  private static let cache = Locked<[Key: [Double]]>([:])
}

/// A value behind a lock, shareable between threads.
final class Locked<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()

  init(_ value: Value) { self.value = value }

  func withLock<T>(_ body: (inout Value) -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}
