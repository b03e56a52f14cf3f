import Analysis
import CIL
import Recording
import Testing

/// The verdict: verified within the tolerance of the best candidate, otherwise the better split
/// is named; means over seeds.
@Suite struct VerdictTests {
  static func run(_ candidate: String, _ seed: Int, last: Double) -> VerificationRecord.Run {
    var cnn = AccuracyMatrix(taskCount: 2)
    cnn.append(perTask: [0.9], total: 0.9)
    cnn.append(perTask: [last, last], total: last)
    let summary = TrainingSummary(path: "", method: "memo", split: candidate, architecture: "",
                                  dataset: "", seed: seed, cnn: cnn, nme: nil,
                                  modelBytes: [1, 1], exemplars: [1, 1], totalBytes: [2, 2])
    return .init(candidate: candidate, budget: 100, seed: seed, summary: summary)
  }

  static let runs = [run("stem", 1, last: 0.60), run("stem", 2, last: 0.62),
                     run("stage2", 1, last: 0.605), run("stage2", 2, last: 0.607),
                     run("none", 1, last: 0.50), run("none", 2, last: 0.52)]

  @Test func withinToleranceIsVerified() {
    let v = Verdict.judge(Self.runs, candidates: ["stem", "stage2", "none"], recommended: "stage2",
                          budget: 100, metric: .lastAccuracy, tolerance: 0.01)
    #expect(v.status == "verified" && v.best == "stem")
    #expect(v.reason.contains("0.40 points below the best, stem (61.00%)"))
  }

  @Test func beyondToleranceNamesTheBetterSplit() {
    let v = Verdict.judge(Self.runs, candidates: ["stem", "stage2", "none"], recommended: "none",
                          budget: 100, metric: .lastAccuracy, tolerance: 0.01)
    #expect(v.status == "not verified" && v.best == "stem")
    #expect(v.reason.hasPrefix("none reaches 51.00% (seed std 1.41 points), 10.00 points below"))
  }

  @Test func theBestIsVerifiedAndMeansUseSeeds() {
    let v = Verdict.judge(Self.runs, candidates: ["stem", "stage2", "none"], recommended: "stem",
                          budget: 100, metric: .lastAccuracy, tolerance: 0)
    #expect(v.status == "verified" && v.best == "stem")
    let means = Verdict.means(Self.runs, candidates: ["stage2"], budget: 100, metric: .lastAccuracy)
    #expect(abs(means[0].mean - 0.606) < 1e-12)
    #expect(abs(means[0].deviation - (0.000002).squareRoot()) < 1e-12)
    let average = Verdict.means(Self.runs, candidates: ["none"], budget: 100,
                                metric: .averageIncrementalAccuracy)
    #expect(abs(average[0].mean - (0.9 + 0.51) / 2) < 1e-12)
  }

  @Test func missingRecommendationIsNotVerified() {
    let v = Verdict.judge(Self.runs, candidates: ["stem"], recommended: "stage9", budget: 100)
    #expect(v.status == "not verified")
  }

  @Test func noRecommendationNamesTheBest() {
    let v = Verdict.judge(Self.runs, candidates: ["stem", "none"], recommended: nil, budget: 100,
                          metric: .lastAccuracy)
    #expect(v.status == "no recommendation" && v.best == "stem")
    #expect(v.reason == "the split analysis recommended no split; at equal memory the best candidate is stem (61.00%)")
    let named = Verdict.judge(Self.runs, candidates: ["stem", "none"], recommended: nil, budget: 100,
                              metric: .lastAccuracy, absence: .candidatesNamed)
    #expect(named.reason == "the candidates were named, no split analysis was consulted; at equal memory the best candidate is stem (61.00%)")
  }
}
