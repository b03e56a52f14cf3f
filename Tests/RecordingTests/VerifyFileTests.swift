import CIL
import HDF5
import Foundation
import StrataTestSupport
import Testing
import Analysis
@testable import Recording

/// verify.h5: written whole, read back exactly, labelled for xarray; missing runs refused.
@Suite struct VerifyFileTests {
  static let budgets = [1_000_000, 2_000_000]
  static let seeds = [1, 2]

  /// A made-up run of 3 tasks whose accuracies depend on the grid point; `b` has no NME.
  static func summary(_ candidate: String, _ budget: Int, _ seed: Int) -> TrainingSummary {
    let bonus = Double(budget) / 1e8 + (candidate == "a" ? 0.05 : 0) + Double(seed) / 1000
    var cnn = AccuracyMatrix(taskCount: 3), nme = AccuracyMatrix(taskCount: 3)
    for t in 0..<3 {
      let row = (0...t).map { 0.5 + bonus + 0.1 * Double($0) }
      cnn.append(perTask: row, total: row.reduce(0, +) / Double(row.count))
      nme.append(perTask: row.map { $0 - 0.01 }, total: 0.4 + bonus)
    }
    let model = candidate == "a" ? 300_000 : 600_000
    let exemplars = (budget - model) / 784
    return TrainingSummary(
      path: "\(candidate)-\(budget)-\(seed).h5", method: "memo", split: candidate,
      architecture: "tiny", dataset: "made-up", seed: seed, cnn: cnn,
      nme: candidate == "b" ? nil : nme, modelBytes: [model, model, model],
      exemplars: [exemplars, exemplars, exemplars],
      totalBytes: Array(repeating: model + exemplars * 784, count: 3))
  }

  static func record(dropping: (String, Int, Int)? = nil) -> VerificationRecord {
    var runs: [VerificationRecord.Run] = []
    for c in ["a", "b"] {
      for b in budgets {
        for s in seeds where dropping.map({ $0 != (c, b, s) }) ?? true {
          runs.append(.init(candidate: c, budget: b, seed: s, summary: summary(c, b, s)))
        }
      }
    }
    return VerificationRecord(
      candidates: ["a", "b"], roles: ["recommended", "DER"], budgets: budgets, seeds: seeds,
      runs: runs,
      verdict: .init(status: "verified", recommended: "a", best: "a",
                     metric: "average_incremental_accuracy", tolerance: 0.01, reason: "a is best"),
      provenance: ProbeFileTests.provenance)
  }

  /// Statistics arrays for `record()` (made-up numbers: Recording stores, Analysis computes);
  /// `b` does not fit the second budget when `bMissing`.
  static func statistics(bMissing: Bool = false) -> VerificationStatisticsArrays {
    VerificationStatisticsArrays(
      fits: [[1, 1], [1, bMissing ? 0 : 1]], verdicts: ["a is best", "tied: a, b"],
      metric: "average_incremental_accuracy", pairedDifference: [[0, 0], [-0.05, .nan]],
      pairedDifferenceLow: [[0, 0], [-0.06, .nan]], pairedDifferenceHigh: [[0, 0], [-0.04, .nan]],
      auc: [[0.4, 0.41], [.nan, .nan]], aucMean: [0.405, .nan], aucLow: [0.34, .nan],
      aucHigh: [0.47, .nan], aucLast: [[0.3, 0.31], [.nan, .nan]], aucLastMean: [0.305, .nan],
      aucLastLow: [0.24, .nan], aucLastHigh: [0.37, .nan])
  }

  static func bits(_ m: AccuracyMatrix?) -> [UInt64] {
    (m?.values.flatMap { $0 } ?? []).map(\.bitPattern) + (m?.total ?? []).map(\.bitPattern)
  }

  @Test func roundTripAndLabels() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/verify.h5"
    var record = Self.record()
    record.statistics = Self.statistics()
    record.taskZeroTrainings = 2
    try VerifyFile.write(record, to: path)
    let read = try VerifyFile.read(path)
    #expect(read.taskZeroTrainings == 2)
    let stats = try #require(read.statistics)
    #expect(stats.fits == [[1, 1], [1, 1]] && stats.verdicts == ["a is best", "tied: a, b"])
    #expect(stats.auc[0] == [0.4, 0.41] && stats.aucMean[0] == 0.405 && stats.aucLastHigh[0] == 0.37)
    #expect(stats.pairedDifferenceLow[1][0] == -0.06 && stats.pairedDifference[1][1].isNaN)
    #expect(stats.metric == "average_incremental_accuracy")
    #expect(read.candidates == ["a", "b"] && read.roles == ["recommended", "DER"])
    #expect(read.budgets == Self.budgets && read.seeds == Self.seeds)
    #expect(read.verdict == record.verdict && read.provenance == record.provenance)
    for run in record.runs {
      let back = try #require(read.run(run.candidate, budget: run.budget, seed: run.seed)).summary
      #expect(Self.bits(back.cnn) == Self.bits(run.summary.cnn))
      #expect(Self.bits(back.nme) == Self.bits(run.summary.nme))
      #expect(back.totalBytes == run.summary.totalBytes && back.exemplars == run.summary.exemplars)
      #expect(back.modelBytes == run.summary.modelBytes && back.method == "memo")
    }

    let oracle = try Oracles.json("read_verify.py", [path])
    #expect(oracle["verdict"] as? String == "verified")
    let dims = try #require(oracle["dims"] as? [String: [String]])
    #expect(dims["accuracy_cnn"] == ["candidate", "budget", "seed", "task", "task_seen"])
    #expect(dims["total_bytes"] == ["candidate", "budget", "seed", "task"])
    #expect(dims["auc"] == ["candidate", "seed"] && dims["auc_mean"] == ["candidate"])
    #expect(dims["fits"] == ["candidate", "budget"] && dims["verdict"] == ["budget"])
    #expect(dims["paired_difference"] == ["candidate", "budget"])
    #expect(dims["auc_last_ci_high"] == ["candidate"])
    #expect(oracle["units"] as? [String: String] == ["auc": "MB", "paired_difference": "1", "fits": "1"])
    #expect(oracle["fits_b"] as? [Int] == [1, 1])
    #expect(oracle["verdict_last"] as? String == "tied: a, b")
    #expect(oracle["auc_a_seed2"] as? Double == 0.41)
    #expect(oracle["task0_trainings"] as? Int == 2)
    #expect(oracle["candidates"] as? [String] == ["a", "b"])
    #expect(oracle["budgets"] as? [Int] == Self.budgets)
    let expectedMean = Self.seeds.map { Self.summary("b", Self.budgets[0], $0).cnn.averageIncrementalAccuracy }
      .reduce(0, +) / 2
    #expect(abs((oracle["mean_b"] as? Double ?? .nan) - expectedMean) < 1e-12)
    #expect(oracle["last_total_bytes"] as? Int == Self.summary("a", Self.budgets[1], 2).totalBytes[2])
    #expect(oracle["nme_all_nan_for_b"] as? Bool == true)
  }

  /// A candidate that does not fit a budget (`fits` 0) has no runs there: its slots are NaN
  /// and -1, the file reads back without them, and a missing run where it fits is still named.
  @Test func notFittingPointsAreRecordedAsSuch() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/verify.h5"
    var record = Self.record(dropping: ("b", 2_000_000, 1))
    record.runs.removeAll { $0.candidate == "b" && $0.budget == 2_000_000 }
    record.statistics = Self.statistics(bMissing: true)
    try VerifyFile.write(record, to: path)
    let read = try VerifyFile.read(path)
    #expect(read.runs.count == 6 && read.run("b", budget: 2_000_000, seed: 2) == nil)
    #expect(read.statistics?.fits == [[1, 1], [1, 0]])
    let file = try HDF5File.open(path)
    let aia = try file.root.openDataset("average_incremental_accuracy").read(Double.self)
    #expect(aia[0...5].allSatisfy(\.isFinite) && aia[6...7].allSatisfy(\.isNaN))
    let total = try file.root.openDataset("total_bytes").read(Int64.self)
    #expect(total[18...].allSatisfy { $0 == -1 } && total[..<18].allSatisfy { $0 > 0 })
    try file.close()

    var gap = Self.record(dropping: ("b", 2_000_000, 1))
    gap.statistics = Self.statistics()
    let error = try #require(throws: RecordingError.self) {
      try VerifyFile.write(gap, to: directory + "/gap.h5")
    }
    #expect(error.message == "runs missing: b at 2000000 bytes, seed 1")
  }

  @Test func missingRunsAreNamedAndNothingIsWritten() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/verify.h5"
    let error = try #require(throws: RecordingError.self) {
      try VerifyFile.write(Self.record(dropping: ("b", 2_000_000, 1)), to: path)
    }
    #expect(error.message == "runs missing: b at 2000000 bytes, seed 1")
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
