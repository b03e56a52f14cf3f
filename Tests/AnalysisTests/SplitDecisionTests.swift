import Testing
@testable import Analysis

/// The split rule on constructed profiles: fits, degenerate inputs, agreement.
@Suite struct SplitDecisionTests {
  private func profiles(_ values: [[[Double]]], metric: String = "1-cka_old") -> DepthProfiles {
    let n = values[0][0].count
    return DepthProfiles(metric: metric, blocks: (0..<n).map { "b\($0)" },
                         seeds: Array(values.indices), tasks: Array(1...values[0].count),
                         values: values)
  }

  @Test func stepFitByHand() {
    // Step at 3: before mean 0.1, after mean 0.9; squared errors 0.02 and 0.02.
    let fit = StepFit([0.0, 0.2, 0.1, 1.0, 0.8, 0.9])
    #expect(fit.boundary == 3 && fit.rises)
    #expect(abs(fit.contrast - 0.8) < 1e-12 && abs(fit.stepError - 0.04) < 1e-12)
    // Mean 0.5; Σ(y − 0.5)² = 0.25 + 0.09 + 0.16 + 0.25 + 0.09 + 0.16.
    #expect(abs(fit.flatError - 1.0) < 1e-12)
    #expect(fit.lineError > fit.stepError && fit.lineError < fit.flatError)
    let falling = StepFit([1, 1, 1, 0, 0, 0])
    #expect(falling.boundary == 3 && !falling.rises && falling.contrast == -1)
    #expect(StepFit.lineResiduals([1, 3, 5, 7]).allSatisfy { abs($0) < 1e-12 })
  }

  /// A clean step over 2 seeds × 3 tasks, each profile with its own level and scale.
  @Test func clearStepIsFound() {
    let base: [Double] = [0.01, 0.02, 0.015, 0.02, 0.01, 0.2, 0.22, 0.21]
    func value(_ s: Int, _ t: Int, _ b: Int) -> Double {
      let scale = 1 + Double(s + t), offset = 0.1 * Double(t)
      let wobble = 0.003 * Double((b * 7 + s + 3 * t) % 5)
      return scale * base[b] + offset + wobble
    }
    let values = (0..<2).map { s in (0..<3).map { t in base.indices.map { value(s, t, $0) } } }
    let decision = SplitDecision(profiles(values))
    #expect(decision.step == 5 && decision.recommendedSplit == "b5")
    #expect(decision.pValue <= 0.05 && decision.pFlat <= decision.pValue)
    #expect(decision.effect > 0.2 && decision.effectInNoiseUnits! > 10)
    #expect(decision.profileCount == 6)
  }

  @Test func rampAndFallingStepGiveNoSplit() {
    let ramp = (0..<3).map { _ in (0..<4).map { t in (0..<10).map { Double($0) + 0.01 * Double(t) } } }
    let rampDecision = SplitDecision(profiles(ramp))
    #expect(rampDecision.step == nil && rampDecision.pFlat <= 0.05 && rampDecision.pTrend > 0.05)
    let falling = [[[1.0, 1, 1, 1, 0, 0, 0]], [[1.1, 1, 1.05, 1, 0, 0.1, 0]]]
    let fallingDecision = SplitDecision(profiles(falling))
    #expect(fallingDecision.step == nil && fallingDecision.fit?.rises == false)
    #expect(fallingDecision.notes.contains { $0.contains("falls") })
  }

  @Test func constantProfilesGiveNoSplitWithANote() {
    let decision = SplitDecision(profiles([[[0.3, 0.3, 0.3, 0.3, 0.3], [1, 1, 1, 1, 1]]]))
    #expect(decision.step == nil && decision.pValue == 1)
    #expect(decision.notes.contains { $0.contains("constant") })
  }

  @Test func nonFiniteProfilesAreLeftOutAndTooFewBlocksNeverSplit() {
    let decision = SplitDecision(profiles([[[0, 0, 0, 1, 1, 1], [0, .nan, 0, 1, 1, 1]]]))
    #expect(decision.profileCount == 1 && decision.notes.first!.contains("non-finite"))
    let none = SplitDecision(profiles([[[.infinity, 0, 0, 1]]]))
    #expect(none.step == nil && none.pValue == 1 && none.notes.contains { $0.contains("no finite") })
    let three = SplitDecision(profiles([[[0, 0, 1], [0, 0, 1]]]))
    #expect(three.step == nil && three.notes.contains { $0.contains("fewer than 4 blocks") })
  }

  /// Arbitrary finite values of the right shape (as a user writes them with h5py): no crash, a
  /// p-value in (0, 1], and the same decision when repeated.
  @Test func arbitraryFiniteValues() {
    var generator = SplitMixForTests(seed: 3)
    for draw in 0..<40 {
      let n = 4 + draw % 13, seeds = 1 + draw % 3, tasks = 1 + draw % 5
      let scale = [1e-300, 1e-3, 1, 1e6, 1e300][draw % 5]
      let values = (0..<seeds).map { _ in
        (0..<tasks).map { _ in (0..<n).map { _ in scale * (generator.uniform() - 0.3) } }
      }
      let settings = SplitDecision.Settings(resamples: 99)
      let decision = SplitDecision(profiles(values), settings: settings)
      #expect(decision.pValue > 0 && decision.pValue <= 1 && !decision.pValue.isNaN)
      #expect(decision.effect.isFinite && decision.meanProfile.allSatisfy(\.isFinite))
      #expect(SplitDecision(profiles(values), settings: settings).step == decision.step)
    }
  }

  @Test func agreementSeparatesMetricsAndNeverMovesTheDecision() {
    let primary = [[[0.0, 0.1, 0.2, 0.3, 1, 1.1, 1.2]], [[0.0, 0.05, 0.1, 0.2, 1.2, 1, 1.3]]]
    let agreeing = primary.map { $0.map { $0.map { 3 * $0 + 1 } } }
    let inverted = primary.map { $0.map { $0.map { -$0 } } }
    let evidence = SplitEvidence(
      primary: profiles(primary),
      diagnostics: [profiles(agreeing, metric: "grad_norm"),
                    profiles(inverted, metric: "grad_norm_normalized")])
    #expect(evidence.agreements[0].perSeed.allSatisfy { abs($0 - 1) < 1e-12 })
    #expect(abs(evidence.agreements[1].meanCorrelation + 1) < 1e-12)
    #expect(evidence.metricsUsed == ["1-cka_old", "grad_norm"])
    #expect(evidence.metricsDisagreeing == ["grad_norm_normalized"])
    let alone = SplitDecision(profiles(primary))
    #expect(evidence.decision.step == alone.step && evidence.decision.pValue == alone.pValue)
    // A constant diagnostic has no ranking: it disagrees.
    let constant = profiles(primary.map { $0.map { $0.map { _ in 2 } } }, metric: "flat")
    #expect(!MetricAgreement(primary: profiles(primary), diagnostic: constant).agrees)
  }

  /// The same inputs and seed give the same p-values (the permutations come from SplitMix64).
  @Test func deterministic() {
    let draw = SplitCalibration.profiles(.step(at: 5, size: 1), blocks: 7, seeds: 3, tasks: 4,
                                         seed: 5, draw: 0)
    let a = SplitDecision(draw), b = SplitDecision(draw)
    #expect(a.pFlat == b.pFlat && a.pTrend == b.pTrend && a.step == b.step)
    let other = SplitDecision(draw, settings: .init(seed: 7))
    #expect(other.pFlat != a.pFlat || other.pTrend != a.pTrend)
  }
}

/// A tiny seeded source for test inputs (SplitMix64's recurrence, kept local so the test does
/// not depend on Data's API).
struct SplitMixForTests {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func uniform() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
  }
}
