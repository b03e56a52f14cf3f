import ArgumentParser
import CIL
import Foundation
import Recording
import Testing
@testable import Pipeline
@testable import StrataCommands

/// `strata curve --spec` end to end in small: a spec naming its own family of two tiny networks,
/// a little Fashion-MNIST, three tasks of one epoch, three methods × two points × two paired
/// seeds, each a `strata train` child process; the merged curve.h5, its intervals, the report,
/// the refusal to overwrite and `--resume`.
@Suite(.serialized) struct CurveRunTests {
  static func tiny(_ name: String, width: Int) -> String {
    """
    {"name": "\(name)", "stem": "cifar", "stemWidth": \(width),
     "stages": [{"block": "basic", "blocks": 1, "width": \(width), "stride": 1},
                {"block": "basic", "blocks": 1, "width": \(2 * width), "stride": 2}],
     "shortcut": "A", "inputChannels": 1, "inputSize": 28, "classes": 10}
    """
  }

  static let spec = """
    {"model_name": "memo", "dataset": "fashion-mnist", "architecture": "tiny_b.json",
     "family": ["tiny_a.json", "tiny_b.json"],
     "init_cls": 2, "increment": 4, "train_per_class": 12, "test_per_class": 10,
     "memory_size": 20, "verify_seeds": [1, 2],
     "init_epoch": 1, "epochs": 1, "init_milestones": [], "milestones": [], "batch_size": 16,
     "seed": 1993}
    """

  static func withSpec(_ body: (_ directory: String, _ spec: String) throws -> Void) throws {
    try SplitCommandTests.withDirectory { directory in
      try tiny("tiny_a", width: 2).write(toFile: directory + "/tiny_a.json", atomically: true,
                                          encoding: .utf8)
      try tiny("tiny_b", width: 4).write(toFile: directory + "/tiny_b.json", atomically: true,
                                          encoding: .utf8)
      let spec = directory + "/run.json"
      try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
      try body(directory, spec)
    }
  }

  static func command(_ arguments: [String]) throws -> CurveCommand {
    try #require(try Strata.parseAsRoot(["curve"] + arguments) as? CurveCommand)
  }

  /// The plan on the spec's data: its own family, its image (28×28×1) and task count price the
  /// budgets; every method gets its backbone and split; the grid is the sweep's.
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func planOnTheSpecsData() throws {
    try Self.withSpec { directory, spec in
      let curve = try Self.command(["--spec", spec, "--output-dir", directory + "/out",
                                    "--dry-run"])
      let planning = try curve.planning(spec: spec)
      let plan = planning.plan
      #expect(plan.tasks == 3 && plan.image.elementCount == 784 && plan.exemplars == 20)
      #expect(plan.family.map(\.name) == ["tiny_a", "tiny_b"] && plan.benchmark.name == "tiny_b")
      // Point 1: one tiny_b + 20 images; point 2: DER's three tiny_b + 20 images.
      let b = MemoryLedger(plan.benchmark, image: plan.image)
      #expect(plan.points[0].budget == b.modelBytes(split: .none, tasks: 1) + 20 * 784)
      #expect(plan.points[1].budget == b.modelBytes(split: .at("stem"), tasks: 3) + 20 * 784)
      #expect(planning.sweep.candidates.map(\.split) == ["memo", "der", "icarl"])
      #expect(planning.sweep.seeds == [1, 2], "the spec's verify_seeds")
      #expect(planning.splits == [["stage2.block1", "stage2.block1"], ["stem", "stem"],
                                  ["none", "none"]])
      #expect(planning.sweep.points.count == 12 && planning.taskZeroTrainings == 4)
      // The derived specs carry each point's backbone: tiny_a for MEMO at point 1, tiny_b for
      // the exemplar-based method everywhere (written as specs under DIR/architectures/).
      let overrides = try #require(planning.sweep.overrides)
      #expect(overrides[0][0]["architecture"]?.hasSuffix("/architectures/tiny_a.json") == true)
      #expect(overrides[2][0]["architecture"]?.hasSuffix("/architectures/tiny_b.json") == true)
      #expect(overrides[0][0]["split"] == "stage2.block1" && overrides[1][0]["split"] == nil)
      #expect(planning.architectureFiles.count == 2)
      // --tasks must agree with the spec's data.
      #expect(throws: ValidationError.self) {
        _ = try Self.command(["--spec", spec, "--tasks", "4", "--dry-run"]).planning(spec: spec)
      }
    }
  }

  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func runMergeAndResume() throws {
    try Self.withSpec { directory, spec in
      let out = directory + "/out"
      let arguments = ["--spec", spec, "--output-dir", out, "--jobs", "2", "--quiet"]
      try Self.command(arguments).run()

      let curve = try CurveFile.read(out + "/curve.h5")
      let record = curve.verification
      #expect(record.candidates == ["memo", "der", "icarl"])
      #expect(record.budgets.count == 2 && record.seeds == [1, 2] && record.runs.count == 12)
      #expect(curve.backbones == [["tiny_a", "tiny_b"], ["tiny_a", "tiny_b"], ["tiny_b", "tiny_b"]])
      #expect(curve.splits[0] == ["stage2.block1", "stage2.block1"] && curve.tasks == 3)
      #expect(curve.benchmarkBackbone == "tiny_b" && curve.referenceExemplars == 20)
      // What each method trained, as the runs recorded it.
      for run in record.runs {
        let c = try #require(record.candidates.firstIndex(of: run.candidate))
        let b = try #require(record.budgets.firstIndex(of: run.budget))
        #expect(run.summary.method == ["memo", "der", "icarl"][c])
        #expect(run.summary.totalBytes.last! <= run.budget, "\(run.candidate) \(run.budget)")
        #expect(run.summary.cnn.tasksSeen == 3)
        // The run keeps the ledger's count as a whole quota per class.
        #expect(run.summary.exemplars.last == curve.plannedExemplars[c][b] / 10 * 10)
      }
      // Runs of one backbone and seed share task 0: MEMO and DER of a point, and iCaRL (always
      // tiny_b) with them at point 2 — four trainings (2 backbones × 2 seeds), equal task-0
      // accuracy.
      #expect(record.taskZeroTrainings == 4)
      for budget in record.budgets {
        for seed in record.seeds {
          let memo = try #require(record.run("memo", budget: budget, seed: seed))
          let der = try #require(record.run("der", budget: budget, seed: seed))
          #expect(memo.summary.cnn.total[0] == der.summary.cnn.total[0])
          let icarl = try #require(record.run("icarl", budget: budget, seed: seed))
          let point2 = try #require(record.run("memo", budget: record.budgets[1], seed: seed))
          #expect(icarl.summary.cnn.total[0] == point2.summary.cnn.total[0])
        }
      }
      // Every method's AUC has its interval, around its mean; MEMO's paired difference to
      // itself is 0 and the others' are finite with an interval.
      let stats = try #require(record.statistics)
      #expect(stats.fits == [[1, 1], [1, 1], [1, 1]])
      for c in 0..<3 {
        #expect(stats.auc[c].allSatisfy { $0.isFinite })
        #expect(stats.aucLow[c].isFinite && stats.aucHigh[c].isFinite)
        #expect(stats.aucLow[c] <= stats.aucMean[c] && stats.aucMean[c] <= stats.aucHigh[c])
        #expect(stats.aucLastLow[c] <= stats.aucLastMean[c]
                  && stats.aucLastMean[c] <= stats.aucLastHigh[c])
        // The mean over seeds of the per-seed areas.
        #expect(abs(stats.aucMean[c] - (stats.auc[c][0] + stats.auc[c][1]) / 2) < 1e-12)
      }
      // The area runs over the points' budgets (the paper's x axis), MB = 2^20 bytes.
      let memo1 = try record.budgets.map { b in
        (bytes: b, accuracy: try #require(record.run("memo", budget: b, seed: 1))
          .summary.cnn.averageIncrementalAccuracy)
      }
      #expect(abs(stats.auc[0][0] - AccuracyMemoryCurve(memo1).area) < 1e-12)
      #expect(stats.pairedDifference[0] == [0, 0])
      #expect(stats.pairedDifferenceLow[1].allSatisfy { $0.isFinite })
      #expect(stats.verdicts.count == 2 && stats.verdicts[0].hasPrefix("point 1 (tiny_a, "))
      #expect(record.verdict.reason.contains("AUC-A"))
      let report = try String(contentsOfFile: out + "/report/report.md", encoding: .utf8)
      #expect(report.contains("charts/accuracy_memory.svg"))
      #expect(FileManager.default.fileExists(atPath: out + "/report/charts/accuracy_memory.svg"))
      #expect(FileManager.default.fileExists(atPath: out + "/report/tables/curve_points.csv"))
      print(CurveCommand.areas(curve))

      // Again without --resume: refused, nothing touched.
      let before = try VerifyCommandTests.modified(out + "/curve.h5")
      #expect(throws: ValidationError.self) { try Self.command(arguments).run() }
      #expect(try VerifyCommandTests.modified(out + "/curve.h5") == before)

      // A lost run: --resume trains only it and merges again, to the same numbers.
      let sweep = try Self.command(arguments).planning(spec: spec).sweep
      let lost = sweep.output(sweep.points[5])
      let kept = sweep.output(sweep.points[0])
      let keptDate = try VerifyCommandTests.modified(kept)
      try FileManager.default.removeItem(atPath: lost)
      try Self.command(arguments + ["--resume"]).run()
      #expect(FileManager.default.fileExists(atPath: lost))
      #expect(try VerifyCommandTests.modified(kept) == keptDate)
      let again = try CurveFile.read(out + "/curve.h5").verification
      #expect(again.statistics?.aucMean == stats.aucMean)
    }
  }

  /// Running needs a spec; a bad method or seed list is a usage error.
  @Test func badOptions() throws {
    for arguments in [["cifar", "--tasks", "10"], ["--tasks", "3", "--dry-run"],
                      ["--spec", "s.json", "--exemplar-method", "der"],
                      ["--spec", "s.json", "--seeds", "1,x"], ["--spec", "s.json", "--jobs", "0"]] {
      #expect(throws: (any Error).self, "\(arguments)") { try Strata.parseAsRoot(["curve"] + arguments) }
    }
  }
}
