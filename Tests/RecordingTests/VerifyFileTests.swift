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
    var record = VerificationRecord(
      candidates: ["a", "b"], roles: ["recommended", "DER"], budgets: budgets, seeds: seeds,
      runs: runs,
      verdict: .init(status: "verified", recommended: "a", best: "a",
                     metric: "average_incremental_accuracy", tolerance: 0.01, reason: "a is best"),
      provenance: ProbeFileTests.provenance)
    // The areas are computed before the writer sees the record, as the merge does.
    record.areas = VerificationAreas.compute(record)
    return record
  }

  static func bits(_ m: AccuracyMatrix?) -> [UInt64] {
    (m?.values.flatMap { $0 } ?? []).map(\.bitPattern) + (m?.total ?? []).map(\.bitPattern)
  }

  @Test func roundTripAndLabels() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/verify.h5"
    let record = Self.record()
    try VerifyFile.write(record, to: path)
    let read = try VerifyFile.read(path)
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
    #expect(dims["auc_average"] == ["candidate", "seed"])
    #expect(oracle["candidates"] as? [String] == ["a", "b"])
    #expect(oracle["budgets"] as? [Int] == Self.budgets)
    let expectedMean = Self.seeds.map { Self.summary("b", Self.budgets[0], $0).cnn.averageIncrementalAccuracy }
      .reduce(0, +) / 2
    #expect(abs((oracle["mean_b"] as? Double ?? .nan) - expectedMean) < 1e-12)
    #expect(oracle["last_total_bytes"] as? Int == Self.summary("a", Self.budgets[1], 2).totalBytes[2])
    #expect(oracle["nme_all_nan_for_b"] as? Bool == true)
  }

  /// The area under accuracy against memory (MB) of one candidate and seed, by hand.
  @Test func areaUnderTheCurve() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/verify.h5"
    try VerifyFile.write(Self.record(), to: path)
    let file = try HDF5File.open(path)
    let areas = try file.root.openDataset("auc_average").read(Double.self)
    let points = Self.budgets.map { Self.summary("a", $0, 1) }
      .map { (Double($0.totalBytes[2]) / 1_048_576, $0.cnn.averageIncrementalAccuracy) }
    let expected = (points[1].0 - points[0].0) * (points[0].1 + points[1].1) / 2
    #expect(abs(areas[0] - expected) < 1e-12)
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
