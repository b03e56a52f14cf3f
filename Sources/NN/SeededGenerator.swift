import Common

/// A small seeded generator for reproducible initialization: the project's SplitMix64 (Steele
/// et al. 2014), with a normal draw: the same seed gives the same weights on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var base: SplitMix64

  public init(seed: UInt64) { base = SplitMix64(seed: seed) }

  public mutating func next() -> UInt64 { base.next() }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func unit() -> Double { base.nextUniform() }

  /// Standard normal by Box–Muller (one value per call; simplicity over speed).
  public mutating func normal() -> Double {
    let u1 = 1 - unit(), u2 = unit()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}

#if canImport(Glibc)
import Glibc
#endif
