import CIL
import Data
import Foundation
import HDF5
import NN
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// The issue-21 sweep in small: four candidates × three budgets (one below DER's footprint) ×
/// three paired seeds, task 0 trained once per seed, on the tiny network and a little
/// Fashion-MNIST.
@Suite(.serialized) struct VerifyGridCommandTests {
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func gridWithABudgetDERDoesNotFit() throws {
    try VerifyCommandTests.withSplit { directory, spec in
      let plan = try RunPlan(try RunSpec.load(spec), classCount: 10,
                             image: ImageShape(channels: 1, height: 28, width: 28), file: spec)
      let der = plan.ledger.modelBytes(split: .at("stem"), tasks: 3)
      let small = der - 1  // every MEMO split fits, DER does not
      let arguments = ["verify", spec, "--output-dir", directory, "--splits",
                       "stem,stage1.block1,stage2.block1,none", "--budget", "\(small),DER:20,DER:60",
                       "--seeds", "1,2,3", "--jobs", "2", "--quiet"]

      let dry = try #require(try Strata.parseAsRoot(arguments + ["--dry-run"]) as? VerifyCommand)
      let planning = try dry.planning()
      #expect(planning.grid.fitsTable == [[0, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]])
      #expect(planning.sweep.points.count == 3 * 11)
      let lines = VerificationGridTable(planning).lines
      print(lines.joined(separator: "\n"))
      #expect(lines[0].contains("33 runs, 3 task-0 trainings (one per seed)"), "\(lines[0])")
      #expect(lines.contains { $0.contains("stem") && $0.contains("does not fit") })

      try (try Strata.parseAsRoot(arguments) as! VerifyCommand).run()
      let record = try VerifyFile.read(directory + "/verify.h5")
      #expect(record.taskZeroTrainings == 3)
      let task0 = try FileManager.default.contentsOfDirectory(atPath: directory + "/runs")
        .filter { $0.hasPrefix("task0-") && $0.hasSuffix(".h5") }
      #expect(task0.count == 3)
      let stats = try #require(record.statistics)
      #expect(stats.fits == [[0, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]])
      #expect(stats.verdicts.count == 3 && stats.verdicts.allSatisfy { !$0.isEmpty })
      #expect(stats.verdicts[0].contains("stem does not fit this budget"), "\(stats.verdicts[0])")
      // Named candidates, no recommendation: the reference is the best mean, and it says so.
      #expect(stats.verdicts.allSatisfy { $0.contains("best mean (no recommended split)") })
      // …and the summary verdict judges no split either (it judged the first name once).
      #expect(planning.judged == nil)
      #expect(record.verdict.status == "no recommendation" && record.verdict.recommended == "")
      #expect(record.verdict.reason.hasPrefix("the candidates were named, no split analysis was consulted"),
              "\(record.verdict.reason)")
      #expect(stats.pairedDifference[0][0].isNaN && stats.pairedDifference[1][0].isFinite)
      // At every budget one MEMO split is the reference: its difference to itself is 0.
      for b in 0..<3 { #expect((1...3).contains { stats.pairedDifference[$0][b] == 0 }, "budget \(b)") }
      #expect(stats.auc[1].allSatisfy(\.isFinite) && stats.aucMean.allSatisfy(\.isFinite))
      #expect(stats.aucLow[1] <= stats.aucMean[1] && stats.aucMean[1] <= stats.aucHigh[1])
      #expect(record.runs.count == 33 && record.run("stem", budget: small, seed: 1) == nil)
      // Every MEMO and DER run of a seed continued from the same task 0: equal task-0 accuracy.
      for seed in [1, 2, 3] {
        let first = Set(record.runs.filter { $0.seed == seed }.map { $0.summary.cnn.total[0] })
        #expect(first.count == 1, "seed \(seed): task-0 accuracies \(first)")
      }
      print(VerifyTable(record).rendered)
      let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Oracles/read_verify_grid.py").path
      let oracle = try PythonOracle.json(script, [directory + "/verify.h5"])
      #expect(oracle["fits_stem"] as? [Int] == [0, 1, 1])
      #expect(oracle["task0_trainings"] as? Int == 3)
      #expect(oracle["dims_auc"] as? [String] == ["candidate", "seed"])
    }
  }
}
