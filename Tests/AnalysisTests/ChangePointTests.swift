import NN
import Testing
@testable import Analysis

/// The two-segment change point on constructed block profiles.
@Suite struct ChangePointTests {
  @Test func cleanStep() {
    let fit = ChangePoint([0, 0, 0, 0, 0, 1, 1, 1])
    #expect(fit.best == 5)
    #expect(fit.costs[5] == 0 && fit.explainedVariance(at: 5) == 1 && fit.contrast(at: 5) == 1)
    // The one-segment ends (stem, none) cost the total sum of squares: 5·3/8.
    #expect(fit.costs[0] == 15.0 / 8 && fit.costs[8] == 15.0 / 8)
    #expect(!fit.isGradual)
  }

  @Test func noisyStep() {
    var generator = SeededGenerator(seed: 7)
    let profile = (0..<16).map { ($0 < 11 ? 0.2 : 0.8) + 0.05 * generator.normal() }
    let fit = ChangePoint(profile)
    #expect(fit.best == 11)
    #expect(fit.explainedVariance(at: 11) > 0.9 && fit.linearCost > fit.costs[11])
    #expect(abs(fit.contrast(at: 11) - 0.6) < 0.1)
  }

  /// A ramp has its least-squares step in the middle, and a line fits it better than any step.
  @Test func monotoneRamp() {
    let fit = ChangePoint((0..<8).map(Double.init))
    #expect(fit.best == 4)
    #expect(fit.isGradual && fit.linearCost < 1e-20)
    #expect(fit.explainedVariance(at: 4) < 0.8)
  }

  /// Flat and decreasing profiles have no increasing step: no split.
  @Test func flatAndDecreasingProfiles() {
    #expect(ChangePoint([0.5, 0.5, 0.5, 0.5]).best == nil)
    #expect(ChangePoint([1, 1, 1, 0, 0]).best == nil)
    #expect(ChangePoint([0.5, 0.5, 0.5, 0.5]).explainedVariance(at: 2).isNaN)
  }

  /// NaN positions are left out of both segments; a boundary with one side all NaN is not a
  /// change point.
  @Test func missingValues() {
    let fit = ChangePoint([0, .nan, 0, 1, .nan, 1])
    #expect(fit.best == 3 && fit.costs[3] == 0)
    // k = 2: [0] and [0, 1, 1]; k = 5: [0, 0, 1] and [1]; both 2/3.
    #expect(abs(fit.costs[2] - 2.0 / 3) < 1e-15 && abs(fit.costs[5] - 2.0 / 3) < 1e-15)
    let edge = ChangePoint([.nan, 0, 1])
    #expect(edge.costs[1].isNaN && edge.best == 2)
  }

  /// Equal costs go to the later boundary (fewer specialized parameters).
  @Test func tiesGoToTheLaterBoundary() {
    let fit = ChangePoint([0, 0.5, 1])
    #expect(fit.costs[1] == fit.costs[2])
    #expect(fit.best == 2)
  }

  @Test func spearman() {
    #expect(spearmanCorrelation([1, 2, 3, 4], [10, 20, 30, 400]) == 1)
    #expect(spearmanCorrelation([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
    // Ties share their mean rank: ranks [1.5, 1.5, 3, 4] against [1, 2, 3, 4].
    #expect(abs(spearmanCorrelation([0, 0, 1, 2], [1, 2, 3, 4]) - 0.9486832980505138) < 1e-12)
    #expect(spearmanCorrelation([1, .nan, 3, 4], [1, 2, .nan, 4]).isNaN, "two common positions")
    #expect(spearmanCorrelation([1, 1, 1], [1, 2, 3]).isNaN)
  }
}
