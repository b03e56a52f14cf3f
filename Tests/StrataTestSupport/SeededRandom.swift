import Common
import Tensor
@testable import TensorReference

/// A small deterministic generator for test fixtures (SplitMix64, Steele, Lea & Flood 2014), so
/// every test sees the same inputs on every machine and Swift version; no system randomness.
/// Shared by the test targets (this folder is a library target only tests depend on).
public struct SeededRandom {
  private var base: SplitMix64

  public init(seed: UInt64) { base = SplitMix64(seed: seed) }

  /// The next 64 random bits (the project's SplitMix64).
  public mutating func next() -> UInt64 { base.next() }

  /// A uniform value in [0, 1) with 53 random bits.
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A uniform value in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

  /// A uniform integer in 0..<bound.
  public mutating func integer(below bound: Int) -> Int {
    precondition(bound > 0)
    return Int(next() % UInt64(bound))
  }

  /// Values uniform in [low, high).
  public mutating func values(_ count: Int, _ low: Double = -1, _ high: Double = 1) -> [Double] {
    (0..<count).map { _ in uniform(low, high) }
  }

  /// A tensor with entries uniform in [low, high).
  public mutating func tensor(_ shape: [Int], _ low: Double = -1, _ high: Double = 1) -> RefTensor {
    RefTensor(shape: shape, data: values(shape.reduce(1, *), low, high))
  }

  /// The same, each entry rounded to Float32, so a Float32 engine and a Float64 reference see
  /// the same numbers.
  public mutating func float32Tensor(_ shape: [Int], _ low: Double = -1, _ high: Double = 1)
    -> RefTensor
  {
    RefTensor(shape: shape, data: values(shape.reduce(1, *), low, high).map { Double(Float($0)) })
  }

  /// A tensor with entries of magnitude in [margin, 1) and random sign: no entry lies within
  /// `margin` of 0, so a finite-difference step cannot cross a kink at 0.
  public mutating func tensorAwayFromZero(_ shape: [Int], margin: Double = 0.1) -> RefTensor {
    let data = (0..<shape.reduce(1, *)).map { _ in
      let magnitude = uniform(margin, 1)
      return next() & 1 == 0 ? magnitude : -magnitude
    }
    return RefTensor(shape: shape, data: data)
  }

  /// A tensor whose entries are a random permutation of `spacing · (k − count/2)`, so all entries
  /// differ by at least `spacing`: no ties, and no finite-difference step changes an argmax.
  public mutating func distinctTensor(_ shape: [Int], spacing: Double = 0.01) -> RefTensor {
    let count = shape.reduce(1, *)
    var data = (0..<count).map { spacing * Double($0 - count / 2) }
    // Fisher–Yates.
    for i in stride(from: count - 1, to: 0, by: -1) {
      data.swapAt(i, integer(below: i + 1))
    }
    return RefTensor(shape: shape, data: data)
  }
}
