import Common
import Data
import Foundation

/// Calibration of `SplitDecision` by simulation through the real rule: synthetic depth profiles
/// (a known shape plus independent Gaussian noise of standard deviation 1 per value, so sizes
/// are in units of the noise), decided draw by draw. The rule is invariant to adding a constant
/// to a profile and to scaling all profiles together, so one noise unit covers every level.
public enum SplitCalibration {
  /// The noise-free depth profile, in noise standard deviations.
  public enum Shape: Sendable, Equatable, CustomStringConvertible {
    case flat
    /// 0 before block `at`, `size` from it on.
    case step(at: Int, size: Double)
    /// A straight line rising by `rise` from the first to the last block.
    case ramp(rise: Double)
    /// A parabola with its minimum in the middle, the ends `depth` above it.
    case u(depth: Double)

    public func value(block b: Int, count n: Int) -> Double {
      let x = Double(b), last = Double(n - 1)
      switch self {
      case .flat: return 0
      case let .step(k, size): return b >= k ? size : 0
      case let .ramp(rise): return rise * x / last
      case let .u(depth):
        let centred = (x - last / 2) / (last / 2)
        return depth * centred * centred
      }
    }

    public var description: String {
      switch self {
      case .flat: "flat"
      case let .step(k, size): "step at \(k) of \(size)σ"
      case let .ramp(rise): "ramp of \(rise)σ"
      case let .u(depth): "U of \(depth)σ"
      }
    }
  }

  public struct Outcome: Sendable, Equatable {
    public let draws: Int
    /// Draws in which the rule reported a split (any block).
    public let splits: Int
    /// Draws in which it reported the step's own block (0 for shapes without a step).
    public let correct: Int

    public var splitRate: Double { Double(splits) / Double(draws) }
    public var correctRate: Double { Double(correct) / Double(draws) }
  }

  /// The first block of the last third of the body after the stem: where the third stage of a
  /// CIFAR ResNet starts (block 5 of 7, 7 of 10, 11 of 16), MEMO's split.
  public static func stageThree(blocks n: Int) -> Int { 1 + 2 * (n - 1) / 3 }

  /// One synthetic profile set: `values[seed][task][block]`, draw `draw` below `seed`.
  /// `noise`: the standard deviation per block (1 for every block when nil).
  public static func profiles(_ shape: Shape, blocks n: Int, seeds: Int, tasks: Int,
                              noise: [Double]? = nil, seed: UInt64, draw: Int) -> DepthProfiles
  {
    precondition(noise == nil || noise!.count == n, "one noise level per block")
    var generator = SplitMix64.derived(seed: seed, UInt64(draw))
    let values = (0..<seeds).map { _ in
      (0..<tasks).map { _ in
        (0..<n).map { b in
          shape.value(block: b, count: n) + (noise?[b] ?? 1) * generator.nextGaussian()
        }
      }
    }
    return DepthProfiles(metric: "synthetic", blocks: (0..<n).map { "block\($0)" },
                         seeds: Array(0..<seeds), tasks: Array(1...tasks), values: values)
  }

  /// Decides `draws` independent profile sets of `shape`.
  public static func run(_ shape: Shape, blocks n: Int, seeds: Int, tasks: Int, draws: Int,
                         noise: [Double]? = nil, seed: UInt64 = 20,
                         settings: SplitDecision.Settings = .init()) -> Outcome
  {
    var splits = 0, correct = 0
    for draw in 0..<draws {
      let decision = SplitDecision(profiles(shape, blocks: n, seeds: seeds, tasks: tasks,
                                            noise: noise, seed: seed, draw: draw),
                                   settings: settings)
      guard let step = decision.step else { continue }
      splits += 1
      if case let .step(k, _) = shape, step == k { correct += 1 }
    }
    return Outcome(draws: draws, splits: splits, correct: correct)
  }

  /// The calibration table of docs/split-decision.md, as Markdown: per body size, seed and task
  /// count, the false-split rate on flat profiles, the power to find a step at `stageThree`
  /// (the right block) by step size, and how often a ramp and a U shape get a split.
  public static func table(draws: Int, settings: SplitDecision.Settings = .init(),
                           blocks: [Int] = [7, 10, 16], seeds: [Int] = [1, 3, 5],
                           tasks: [Int] = [4, 9], stepSizes: [Double] = [0.5, 1, 1.5, 2, 3],
                           trend: Double = 3) -> String
  {
    let percent = { (x: Double) in String(Int((100 * x).rounded())) + "%" }
    var lines = ["| blocks | seeds | tasks | flat: split | "
                 + stepSizes.map { "step \(formatted($0))σ: found" }.joined(separator: " | ")
                 + " | ramp \(formatted(trend))σ: split | U \(formatted(trend))σ: split |",
                 "|" + String(repeating: " ---: |", count: 6 + stepSizes.count)]
    for n in blocks {
      for s in seeds {
        for t in tasks {
          let rate = { (shape: Shape) in
            run(shape, blocks: n, seeds: s, tasks: t, draws: draws, settings: settings)
          }
          let cells = [percent(rate(.flat).splitRate)]
            + stepSizes.map { percent(rate(.step(at: stageThree(blocks: n), size: $0)).correctRate) }
            + [percent(rate(.ramp(rise: trend)).splitRate), percent(rate(.u(depth: trend)).splitRate)]
          lines.append("| \(n) | \(s) | \(t) | " + cells.joined(separator: " | ") + " |")
        }
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension SplitMix64 {
  /// A standard normal value by Box–Muller (one of the pair; 1 − u keeps the logarithm finite).
  mutating func nextGaussian() -> Double {
    let u = 1 - nextUniform(), v = nextUniform()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}
