import CIL
import Testing
@testable import Analysis

/// Means, paired differences with t intervals, per-budget verdicts and AUC on grids whose every
/// value is worked by hand (t_{0.975, 2} = 4.302652729749462, from scipy).
@Suite struct VerificationStatisticsTests {
  static let t2 = 4.302652729749462

  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance
  }

  @Test func meanInterval() {
    // mean 0.64, s = 0.04, half = t · s/√3.
    let i = MeanInterval([0.60, 0.64, 0.68])
    let half = Self.t2 * 0.04 / 3.0.squareRoot()
    #expect(Self.close(i.mean, 0.64) && Self.close(i.low, 0.64 - half) && Self.close(i.high, 0.64 + half))
    #expect(i.count == 3 && i.containsZero == false && i.isAboveZero)
    // NaN (a candidate that does not fit) is left out; one value has no interval.
    let one = MeanInterval([0.7, .nan])
    #expect(one.count == 1 && one.mean == 0.7 && !one.hasInterval && !one.containsZero)
    #expect(MeanInterval([]).mean.isNaN)
  }

  /// stem (DER) does not fit the first budget. Budget 100: the recommended stage2.block1 is
  /// tied with stage3.block1 and better than none. Budget 200: best among the MEMO splits, tied
  /// with none, worse than DER.
  static let grid = AccuracyGrid(
    candidates: ["stem", "stage2.block1", "stage3.block1", "none"], budgets: [100, 200],
    seeds: [1, 2, 3],
    values: [
      [[.nan, .nan, .nan], [0.55, 0.66, 0.74]],
      [[0.50, 0.60, 0.70], [0.52, 0.62, 0.71]],
      [[0.48, 0.59, 0.67], [0.49, 0.58, 0.69]],
      [[0.40, 0.52, 0.61], [0.52, 0.63, 0.70]],
    ])

  @Test func pairedDifferences() {
    let g = Self.grid
    // stage3.block1 − stage2.block1 at 100: −0.02, −0.01, −0.03: mean −0.02, s 0.01.
    let d = g.pairedDifference(2, reference: 1, budget: 0)
    let half = Self.t2 * 0.01 / 3.0.squareRoot()
    #expect(Self.close(d.mean, -0.02) && Self.close(d.low, -0.02 - half) && Self.close(d.high, -0.02 + half))
    #expect(d.containsZero)
    // stem − stage2.block1 at 200: 0.03, 0.04, 0.03: mean 1/30, s = 0.01/√3.
    let der = g.pairedDifference(0, reference: 1, budget: 1)
    let derHalf = Self.t2 * (0.01 / 3.0.squareRoot()) / 3.0.squareRoot()
    #expect(Self.close(der.mean, 0.1 / 3) && Self.close(der.low, 0.1 / 3 - derHalf))
    #expect(der.isAboveZero)
    #expect(g.pairedDifference(0, reference: 1, budget: 0).count == 0, "stem does not fit 100")
  }

  @Test func verdictPerBudget() {
    let small = BudgetVerdict(grid: Self.grid, budget: 0, recommended: "stage2.block1")
    #expect(small.reference == "stage2.block1" && small.referenceChoice == .recommended)
    #expect(small.split == .tied(with: ["stage3.block1"]))
    #expect(small.versusSingleBackbone == .best)
    #expect(small.versusDER == .nothingToCompare)
    #expect(small.differences[1] == MeanInterval(mean: 0, low: 0, high: 0, count: 3))
    #expect(small.differences[0].mean.isNaN)
    #expect(small.sentence.contains("stem does not fit this budget"), "\(small.sentence)")
    #expect(small.sentence.contains("tied with stage3.block1 (-2.00 points, 95% CI"), "\(small.sentence)")

    let large = BudgetVerdict(grid: Self.grid, budget: 1, recommended: "stage2.block1")
    #expect(large.split == .best)
    #expect(large.versusSingleBackbone == .tied(with: ["none"]))
    #expect(large.versusDER == .worse(than: "stem"))
    #expect(large.sentence.contains("stage2.block1 is worse than stem (stem +3.33 points"), "\(large.sentence)")
    print("verdict at 200 bytes: \(large.sentence)")
  }

  /// Without a recommendation the reference is the MEMO split with the best mean, and the
  /// verdict says so; the same when the recommended split does not fit.
  @Test func referenceWithoutARecommendation() {
    let v = BudgetVerdict(grid: Self.grid, budget: 1, recommended: nil)
    #expect(v.reference == "stage2.block1" && v.referenceChoice == .bestMeanWithoutRecommendation)
    #expect(v.sentence.contains("best mean (no recommended split)"))
    let unfit = BudgetVerdict(grid: Self.grid, budget: 0, recommended: "stem")
    #expect(unfit.reference == "stage2.block1" && unfit.referenceChoice == .bestMeanRecommendedDoesNotFit)
    #expect(unfit.versusDER == .nothingToCompare)
  }

  /// One seed separates nothing, even where the means differ by 10 points.
  @Test func oneSeedCannotSeparate() {
    let g = AccuracyGrid(candidates: ["stem", "stage2.block1", "none"], budgets: [100], seeds: [1],
                         values: [[[0.70]], [[0.60]], [[0.50]]])
    let v = BudgetVerdict(grid: g, budget: 0, recommended: "stage2.block1")
    #expect(v.versusDER == .cannotSeparate(seeds: 1) && v.versusSingleBackbone == .cannotSeparate(seeds: 1))
    #expect(v.split == .nothingToCompare, "no other MEMO split")
    #expect(v.sentence.contains("1 seed cannot separate"), "\(v.sentence)")
    #expect(Self.close(v.differences[0].mean, 0.1) && !v.differences[0].hasInterval)
  }

  @Test func nothingFits() {
    let g = AccuracyGrid(candidates: ["stem", "none"], budgets: [1], seeds: [1, 2],
                         values: [[[.nan, .nan]], [[.nan, .nan]]])
    let v = BudgetVerdict(grid: g, budget: 0, recommended: nil)
    #expect(v.reference == nil && v.split == .nothingToCompare)
  }

  /// Budgets 1, 2 and 4 MiB: trapezoids in MiB × accuracy.
  @Test func areaUnderTheCurve() {
    let mib = 1_048_576
    let g = AccuracyGrid(
      candidates: ["stage2.block1", "stem", "huge"], budgets: [mib, 2 * mib, 4 * mib], seeds: [1, 2, 3],
      values: [
        [[0.5, 0.4, 0.6], [0.6, 0.6, 0.6], [0.7, 0.8, 0.6]],
        [[.nan, .nan, .nan], [0.7, 0.7, 0.7], [0.8, 0.8, 0.9]],
        [[.nan, .nan, .nan], [.nan, .nan, .nan], [0.9, 0.9, 0.9]],
      ])
    let areas = AreaUnderCurve.areas(g)
    // 1·(0.5+0.6)/2 + 2·(0.6+0.7)/2 = 1.85; 0.5 + 1.4 = 1.9; 0.6 + 1.2 = 1.8.
    #expect(zip(areas[0].perSeed, [1.85, 1.9, 1.8]).allSatisfy { Self.close($0, $1) })
    let half = Self.t2 * 0.05 / 3.0.squareRoot()
    #expect(Self.close(areas[0].interval.mean, 1.85) && Self.close(areas[0].interval.low, 1.85 - half))
    #expect(areas[0].budgets == [0, 1, 2])
    // DER fits the two larger budgets: 2 · (0.7 + 0.8)/2 = 1.5 and 2 · 0.8 = 1.6.
    #expect(zip(areas[1].perSeed, [1.5, 1.5, 1.6]).allSatisfy { Self.close($0, $1) })
    #expect(areas[1].budgets == [1, 2])
    // One budget is no curve.
    #expect(areas[2].perSeed.allSatisfy(\.isNaN) && areas[2].interval.mean.isNaN)
    // The memory a run held, not the budget, when given: 1, 2, 3 MiB → 0.55 + 0.65 = 1.2.
    let held = [[[mib, mib, mib], [2 * mib, 2 * mib, 2 * mib], [3 * mib, 4 * mib, 4 * mib]]]
      + Array(repeating: Array(repeating: [mib, mib, mib], count: 3), count: 2)
    #expect(Self.close(AreaUnderCurve.areas(g, totalBytes: held)[0].perSeed[0], 1.2))
  }
}

/// The arrays verify.h5 takes, from the hand-worked grid.
@Suite struct VerificationStatisticsLayoutTests {
  @Test func variablesInTheirShapes() {
    let grid = VerificationStatisticsTests.grid
    let s = VerificationStatistics(grid: grid, recommended: "stage2.block1")
    #expect(s.fits == [[0, 1], [1, 1], [1, 1], [1, 1]])
    #expect(s.verdictText.count == 2 && s.verdictText[1].contains("worse than stem"))
    // Candidate-major [candidate][budget]: stem is NaN at 100; stage3.block1 − stage2.block1.
    #expect(s.pairedDifference.count == 4 && s.pairedDifference.allSatisfy { $0.count == 2 })
    #expect(s.pairedDifference[0][0].isNaN && s.pairedDifferenceLow[0][0].isNaN)
    #expect(VerificationStatisticsTests.close(s.pairedDifference[2][0], -0.02))
    #expect(VerificationStatisticsTests.close(s.pairedDifference[0][1], 0.1 / 3))
    #expect(s.pairedDifference[1] == [0, 0] && s.pairedDifferenceHigh[1] == [0, 0])
    let half = VerificationStatisticsTests.t2 * 0.01 / 3.0.squareRoot()
    #expect(VerificationStatisticsTests.close(s.pairedDifferenceHigh[2][0], -0.02 + half))
    // AUC [candidate][seed] over budgets of 100 and 200 bytes (1e-4 MiB apart): stem fits one
    // budget (NaN); stage2.block1 at seed 1: (100/2^20) · (0.50 + 0.52)/2.
    #expect(s.auc.count == 4 && s.auc.allSatisfy { $0.count == 3 })
    #expect(s.auc[0].allSatisfy(\.isNaN) && s.aucMean[0].isNaN)
    #expect(VerificationStatisticsTests.close(s.auc[1][0], 100 / 1_048_576.0 * 0.51, 1e-15))
    #expect(s.aucLow[1] < s.aucMean[1] && s.aucMean[1] < s.aucHigh[1])
    // The plan's fits win over the values.
    let planned = VerificationStatistics(grid: grid, fits: [[1, 1], [1, 1], [1, 1], [1, 1]],
                                         recommended: nil)
    #expect(planned.fits[0][0] == 1 && planned.verdicts[0].referenceChoice == .bestMeanWithoutRecommendation)
  }
}
