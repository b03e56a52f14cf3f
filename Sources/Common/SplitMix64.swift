/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// Strata's own seeded generator for shuffling and augmentation, so results never depend on the
/// system generator. Streams for (seed, epoch, sample) come from `derived`, which lets batches be
/// assembled on any thread in any order and still be identical.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Self.mix(state)
  }

  /// The SplitMix64 output function (a bijective 64-bit finalizer).
  @inline(__always)
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// An independent stream for a path of keys below `seed` (for example epoch, then sample).
  public static func derived(seed: UInt64, _ keys: UInt64...) -> SplitMix64 {
    var h = mix(seed ^ 0x5851_F42D_4C95_7F2D)
    for key in keys { h = mix(h ^ mix(key &+ 0x9E37_79B9_7F4A_7C15)) }
    return SplitMix64(seed: h)
  }

  /// Uniform in [0, 1) with 53 random bits.
  @inline(__always)
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// Uniform in [lower, upper).
  @inline(__always)
  public mutating func nextUniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * nextUniform()
  }

  /// Uniform integer in 0..<bound (multiply-high; bias below bound / 2^64).
  @inline(__always)
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound")
    return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }
}
