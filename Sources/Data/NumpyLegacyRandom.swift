/// The draws of numpy's legacy `np.random.RandomState` that class-incremental code depends on,
/// bit for bit: `np.random.seed(s)` with an integer seed is MT19937 `init_genrand(s)`;
/// `permutation(n)` shuffles `arange(n)` with the legacy `shuffle`, a Fisher–Yates walk from the
/// end whose bounded draws use masked rejection sampling (`random_interval` in
/// numpy/random/src/distributions/distributions.c; `_shuffle_raw` in numpy/random/mtrand.pyx).
/// PyCIL's class order is `np.random.seed(1993); np.random.permutation(C)`.
public struct NumpyLegacyRandom: Sendable, Equatable {
  public private(set) var generator: MT19937

  /// `np.random.seed(seed)` (numpy accepts integer seeds 0...2^32 − 1).
  public init(seed: UInt32) {
    generator = MT19937(seed: seed)
  }

  /// A uniform integer in 0...max: the smallest all-ones mask covering `max`, then 32-bit (or,
  /// above 2^32 − 1, 64-bit) draws masked and rejected until ≤ max (`random_interval`).
  public mutating func interval(_ max: UInt64) -> UInt64 {
    if max == 0 { return 0 }
    var mask = max
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    if max <= 0xFFFF_FFFF {
      while true {
        let value = UInt64(generator.next()) & mask
        if value <= max { return value }
      }
    } else {
      while true {
        let value = generator.next64() & mask
        if value <= max { return value }
      }
    }
  }

  /// The legacy `shuffle` of a 1-d array: for i from n−1 down to 1, swap x[i] with
  /// x[interval(i)].
  public mutating func shuffle<T>(_ values: inout [T]) {
    var i = values.count - 1
    while i >= 1 {
      let j = Int(interval(UInt64(i)))
      values.swapAt(i, j)
      i -= 1
    }
  }

  /// `permutation(n)`: `arange(n)` shuffled.
  public mutating func permutation(_ n: Int) -> [Int] {
    precondition(n >= 0, "permutation needs n ≥ 0")
    var values = Array(0..<n)
    shuffle(&values)
    return values
  }

  /// `choice(n, size, replace=False)` without probabilities, which the legacy generator computes
  /// as `permutation(n)[:size]`.
  public mutating func choiceWithoutReplacement(from n: Int, count: Int) -> [Int] {
    precondition(count >= 0 && count <= n, "cannot take \(count) of \(n) without replacement")
    return Array(permutation(n).prefix(count))
  }

  /// `random_sample()`: a double in [0, 1) from two 32-bit draws (27 + 26 bits), as the legacy
  /// `legacy_double`/`random_standard_uniform` of MT19937.
  public mutating func randomSample() -> Double {
    let a = Double(generator.next() >> 5)
    let b = Double(generator.next() >> 6)
    return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
  }
}
