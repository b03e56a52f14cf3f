import Foundation
import Testing
@testable import Probes

/// The corrected parameter-space diagnostics against Float64 hand computations.
@Suite struct ShiftDiagnosticsTests {
  /// A block `conv` [2, 1, 2, 2] → `bn` with γ, β and running statistics.
  private func block(conv: [Float], gamma: [Float], beta: [Float], mean: [Float], variance: [Float])
    -> (parameters: [NamedValues], statistics: [NamedValues])
  {
    ([NamedValues(name: "stem.conv.weight", shape: [2, 1, 2, 2], values: conv),
      NamedValues(name: "stem.bn.weight", shape: [2], values: gamma),
      NamedValues(name: "stem.bn.bias", shape: [2], values: beta)],
     [NamedValues(name: "stem.bn.running_mean", shape: [2], values: mean),
      NamedValues(name: "stem.bn.running_var", shape: [2], values: variance)])
  }

  @Test func componentsByHand() {
    let before = block(conv: [1, 0, 0, 0, 1, 1, 0, 0], gamma: [1, 1], beta: [0, 0],
                       mean: [0, 0], variance: [1, 1])
    // Filter 0 turns by π/2; filter 1 doubles its norm and keeps its direction (BN divides the
    // norm out: no change in function).
    let after = block(conv: [0, 1, 0, 0, 2, 2, 0, 0], gamma: [1, 1], beta: [0.3, 0.4],
                      mean: [0.6, 0.8], variance: [1, 1])
    let shift = BlockShiftComponents(before: before.parameters, after: after.parameters,
                                     statisticsBefore: before.statistics,
                                     statisticsAfter: after.statistics)
    #expect(shift.filters == 2)
    #expect(abs(shift.filterAngle - Double.pi / 4) < 1e-12)
    // ‖Δ(γ, β)‖ = 0.5 over ‖(γ, β)‖ = √2; ‖Δ(μ, σ²)‖ = 1 over √2.
    #expect(abs(shift.affineRelative - 0.5 / 2.0.squareRoot()) < 1e-7)
    #expect(abs(shift.statisticsRelative - 1 / 2.0.squareRoot()) < 1e-7)
    // All parameters: ‖Δ‖² = 2 (filter 0) + 2 (filter 1) + 0.25, ‖θ‖² = 1 + 2 + 2.
    #expect(abs(shift.relative - (4.25 / 5.0).squareRoot()) < 1e-7)
  }

  /// Weight decay shrinking every filter moves the relative L2 shift but not the angle.
  @Test func shrinkingFiltersHaveNoAngle() {
    let conv: [Float] = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05, 0.6]
    let before = block(conv: conv, gamma: [1, 1], beta: [0, 0], mean: [0, 0], variance: [1, 1])
    let after = block(conv: conv.map { 0.9 * $0 }, gamma: [1, 1], beta: [0, 0], mean: [0, 0],
                      variance: [1, 1])
    let shift = BlockShiftComponents(before: before.parameters, after: after.parameters,
                                     statisticsBefore: before.statistics,
                                     statisticsAfter: after.statistics)
    #expect(shift.filterAngle < 1e-7 && shift.affineRelative == 0 && shift.statisticsRelative == 0)
    #expect(shift.relative > 0.05)
  }

  /// A small rotation is measured to Float64 accuracy of the Float32 inputs (arccos of the
  /// cosine would lose it: cos 1e-4 rounds to 1 in Float32).
  @Test func smallAnglesAreAccurate() {
    let theta = 1e-4
    let (c, s) = (Float(cos(theta)), Float(sin(theta)))
    let angle = BlockShiftComponents.angle([1, 0][...], [c, s][...])
    #expect(abs(angle - atan2(Double(s), Double(c))) < 1e-15)
    #expect(abs(angle - theta) < 1e-9)
  }

  /// A convolution not followed by batch norm, and a zero filter, are left out.
  @Test func onlyNormalizedNonZeroFiltersCount() {
    let conv = [NamedValues(name: "head.conv.weight", shape: [2, 1, 1, 2], values: [1, 0, 0, 0])]
    let later = [NamedValues(name: "head.conv.weight", shape: [2, 1, 1, 2], values: [0, 1, 1, 0])]
    let plain = BlockShiftComponents(before: conv, after: later, statisticsBefore: [],
                                     statisticsAfter: [])
    #expect(plain.filters == 0 && plain.filterAngle.isNaN && plain.affineRelative.isNaN)
    #expect(plain.statisticsRelative.isNaN && abs(plain.relative - 3.0.squareRoot()) < 1e-12)
    let before = block(conv: [1, 0, 0, 0, 0, 0, 0, 0], gamma: [1, 1], beta: [0, 0],
                       mean: [0, 0], variance: [1, 1])
    let after = block(conv: [1, 1, 0, 0, 1, 0, 0, 0], gamma: [1, 1], beta: [0, 0],
                      mean: [0, 0], variance: [1, 1])
    let shift = BlockShiftComponents(before: before.parameters, after: after.parameters,
                                     statisticsBefore: before.statistics,
                                     statisticsAfter: after.statistics)
    #expect(shift.filters == 1 && abs(shift.filterAngle - Double.pi / 4) < 1e-12)
  }

  @Test func gradientNormsByHand() {
    // ‖∇‖ = 3 over ‖θ‖ = 5 and |θ| = 5 values (the second parameter has no gradient yet).
    let norms = BlockGradientNorm([(values: [3, 4], gradient: [0, 3]),
                                   (values: [0, 0, 0], gradient: nil)])
    #expect(norms.raw == 3 && norms.relative == 0.6 && norms.sizeNormalized == 3 / 5.0.squareRoot())
    let empty = BlockGradientNorm([])
    #expect(empty.raw.isNaN && empty.relative.isNaN && empty.sizeNormalized.isNaN)
  }

  /// The size-normalized form scales as 1/√fan-in when per-filter gradients are alike (the
  /// caveat in DESIGN); the relative form does not for He-initialized weights of equal
  /// per-filter norm.
  @Test func sizeNormalizedFallsWithFanIn() {
    func layer(fanIn: Int) -> BlockGradientNorm {
      let perFilter = 1 / Float(fanIn).squareRoot()
      return BlockGradientNorm([(values: [Float](repeating: perFilter, count: 16 * fanIn),
                                 gradient: [Float](repeating: perFilter, count: 16 * fanIn))])
    }
    let (stem, deep) = (layer(fanIn: 9), layer(fanIn: 576))
    #expect(abs(stem.raw - deep.raw) < 1e-6 && abs(stem.relative - deep.relative) < 1e-6)
    #expect(abs(stem.sizeNormalized / deep.sizeNormalized - 8) < 1e-5)
  }
}
