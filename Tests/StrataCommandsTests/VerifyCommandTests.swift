import CIL
import Data
import Foundation
import HDF5
import NN
import Probes
import Recording
import Testing
@testable import Pipeline
@testable import StrataCommands

/// `strata split` then `strata verify` end to end on a tiny model and a little Fashion-MNIST:
/// every candidate trains in its own `strata train` process; the merged file, the verdict, the
/// refusal to overwrite and the resume of a lost run.
@Suite(.serialized) struct VerifyCommandTests {
  static var hasFashionMNIST: Bool {
    FileManager.default.fileExists(atPath: IDXReader.defaultFashionMNISTDirectory.path)
  }

  static let architecture = """
    {"name": "tiny28", "stem": "cifar", "stemWidth": 4,
     "stages": [{"block": "basic", "blocks": 1, "width": 4, "stride": 1},
                {"block": "basic", "blocks": 1, "width": 8, "stride": 2}],
     "shortcut": "A", "inputChannels": 1, "inputSize": 28, "classes": 10}
    """

  static func spec(architecture: String) -> String {
    """
    {"model_name": "memo", "dataset": "fashion-mnist", "architecture": "\(architecture)",
     "init_cls": 2, "increment": 4, "train_per_class": 16, "test_per_class": 20,
     "memory_budget": "DER:20",
     "init_epoch": 1, "epochs": 1, "init_milestones": [], "milestones": [], "batch_size": 16,
     "seed": 1993}
    """
  }

  /// A probe file of the tiny network whose metrics step up at stage2.block1.
  static func probeFile(_ path: String, spec: String) throws {
    let blocks = ["stem", "stage1.block1", "stage2.block1", "head"]
    let file = try ProbeFile.create(
      at: path, blocks: blocks, epochs: 1, tasks: 3,
      settings: ProbeSettings(probeImagesPerClass: 8, ckaBatchSize: 8, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0", gitCommit: "x", commandLine: "strata probe",
                             spec: spec, seed: 1993, libraries: [:], threads: 1))
    for t in 1...2 {
      let value = [0.05, 0.1, 0.8, 0.9].map { $0 + 0.01 * Double(t) }
      try file.append(TaskProbes(
        task: t, gradientNorm: [value], gradientNormNormalized: [value], epochShift: [value],
        shift: value.map { ParameterShift(relative: $0, cosineDistance: 0, statisticsRelative: 0) },
        ckaOld: value.map { CKAResult(value: 1 - $0, reason: nil) },
        ckaNew: value.map { CKAResult(value: 1 - $0, reason: nil) },
        accuracy: Array(repeating: 0.5, count: t + 1)))
    }
  }

  static func modified(_ path: String) throws -> Date {
    try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
  }

  /// A folder with the tiny architecture, its run spec (run.json), a probe file and the
  /// split.json that `strata split` derives from it.
  static func withSplit(_ body: (_ directory: String, _ spec: String) throws -> Void) throws {
    try SplitCommandTests.withDirectory { directory in
      let architecture = directory + "/tiny28.json"
      try Self.architecture.write(toFile: architecture, atomically: true, encoding: .utf8)
      let spec = directory + "/run.json"
      try Self.spec(architecture: "tiny28.json").write(toFile: spec, atomically: true, encoding: .utf8)
      try Self.probeFile(directory + "/probes.h5", spec: Self.spec(architecture: architecture))
      try SplitCommandTests.command([directory + "/probes.h5", "--bootstrap", "50"]).run()
      try body(directory, spec)
    }
  }

  /// `strata verify SPEC` takes the spec's verify_seeds and verify_budgets as `strata run`
  /// does (it used to ignore them); the command line's --seeds and --budget come first.
  @Test(.enabled(if: hasFashionMNIST))
  func theSpecsVerificationSettingsAreTheDefaults() throws {
    try Self.withSplit { directory, spec in
      let text = try String(contentsOfFile: spec, encoding: .utf8)
        .replacingOccurrences(of: #""seed": 1993"#,
                              with: #""seed": 1993, "verify_seeds": [1993, 1994], "verify_budgets": ["DER:20", "DER:40"]"#)
      try text.write(toFile: spec, atomically: true, encoding: .utf8)
      let plan = { (options: [String]) throws in
        try #require(try Strata.parseAsRoot(["verify", spec, "--output-dir", directory] + options)
                       as? VerifyCommand).plan()
      }
      let fromSpec = try plan([])
      #expect(fromSpec.sweep.seeds == [1993, 1994])
      #expect(fromSpec.budgets == [.der(exemplars: 20), .der(exemplars: 40)])
      let fromOptions = try plan(["--seeds", "7", "--budget", "DER:30"])
      #expect(fromOptions.sweep.seeds == [7])
      #expect(fromOptions.budgets == [.der(exemplars: 30)])
    }
  }

  @Test(.enabled(if: hasFashionMNIST))
  func splitThenVerify() throws {
    try Self.withSplit { directory, spec in

      let verify = try #require(try Strata.parseAsRoot(
        ["verify", spec, "--output-dir", directory, "--jobs", "2"]) as? VerifyCommand)
      let (sweep, recommended, _) = try verify.plan()
      // tiny28 has 3 body blocks: the split rule reports no clear split there (a step needs at
      // least 4); the candidates are still the best step's (stage2.block1) neighbourhood.
      #expect(recommended == nil)
      #expect(sweep.candidates.map(\.split) == ["stem", "stage1.block1", "stage2.block1", "none"])
      #expect(sweep.candidates.map(\.learner) == [.der, .memo, .memo, .memo])
      try verify.run()

      let output = directory + "/verify.h5"
      let record = try VerifyFile.read(output)
      #expect(record.candidates == sweep.candidates.map(\.split))
      #expect(record.budgets.count == 1 && record.seeds == [1993])
      // DER:20 with 3 tasks: three tiny backbones plus 20 exemplars of 784 bytes.
      let runPlan = try RunPlan(try RunSpec.load(spec), classCount: 10,
                                image: ImageShape(channels: 1, height: 28, width: 28), file: spec)
      let entries = runPlan.ledger.entries(tasks: 3, budget: record.budgets[0])
      for run in record.runs {
        let entry = try #require(entries.first { $0.split.description == run.candidate })
        // The budget's exemplars, as a whole quota per class (PyCIL's memory_size rule).
        #expect(run.summary.exemplars.last == entry.exemplars! / 10 * 10, "\(run.candidate)")
        #expect(run.summary.modelBytes.last == entry.modelBytes, "\(run.candidate)")
        #expect(run.summary.totalBytes.last! <= record.budgets[0])
        #expect(run.summary.cnn.tasksSeen == 3)
      }
      #expect(record.runs.first { $0.candidate == "stem" }?.summary.method == "der")
      let means = record.candidates.map { c in record.runs.first { $0.candidate == c }!
        .summary.cnn.averageIncrementalAccuracy }
      #expect(record.verdict.best == record.candidates[means.indices.max { means[$0] < means[$1] }!])
      // No recommendation to judge (the verdict against the best mean is issue 21's).
      #expect(record.verdict.status == "no recommendation")

      // Again without --resume: refused, nothing touched.
      let before = try Self.modified(output)
      #expect(throws: (any Error).self) {
        try (try Strata.parseAsRoot(["verify", spec, "--output-dir", directory]) as! VerifyCommand).run()
      }
      #expect(try Self.modified(output) == before)

      // A lost run (its record gone, its checkpoints kept) and one killed before its first
      // checkpoint: --resume trains only them and merges again.
      let lost = sweep.output(sweep.points[1])
      let early = sweep.output(sweep.points[3])
      let kept = sweep.output(sweep.points[0])
      let keptDate = try Self.modified(kept)
      try FileManager.default.removeItem(atPath: lost)
      try FileManager.default.removeItem(atPath: early)
      try FileManager.default.removeItem(
        atPath: sweep.runsDirectory + "/\(sweep.points[3].name).checkpoints/checkpoint.h5")
      try (try Strata.parseAsRoot(["verify", spec, "--output-dir", directory, "--resume"])
        as! VerifyCommand).run()
      #expect(FileManager.default.fileExists(atPath: lost) && FileManager.default.fileExists(atPath: early))
      #expect(try Self.modified(kept) == keptDate)
      let again = try VerifyFile.read(output)
      #expect(again.runs.map { $0.summary.cnn.total } == record.runs.map { $0.summary.cnn.total },
              "the rerun, at the sweep's thread count though --jobs changed, is the same")
    }
  }

  /// A split.json written for another architecture recommends a block this one lacks: refused
  /// naming the file and the key (it was accepted, and the sweep planned without the
  /// recommended split).
  @Test(.enabled(if: hasFashionMNIST))
  func aSplitOfAnotherArchitectureIsRefused() throws {
    try Self.withSplit { directory, spec in
      let json = directory + "/split.json"
      var object = try #require(try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
      var candidates = try #require(object["candidates"] as? [[String: Any]])
      candidates[0]["split"] = "stage3.block1"
      object["candidates"] = candidates
      object["recommended_split"] = "stage3.block1"
      try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: json))

      let verify = try #require(try Strata.parseAsRoot(
        ["verify", spec, "--output-dir", directory]) as? VerifyCommand)
      let error = try #require(throws: ArchitectureSpecError.self) { _ = try verify.plan() }
      #expect(error.file == json && error.keyPath == "recommended_split", "\(error)")
      #expect(error.message.contains("\"stage3.block1\" is not a block of tiny28"), "\(error)")
    }
  }

  @Test func dryRunAndBadOptions() throws {
    for arguments in [["s.json", "--jobs", "0"], ["s.json", "--metric", "best"],
                      ["s.json", "--budget", "lots"], ["s.json", "--seeds", "1,x"],
                      ["s.json", "--tolerance", "2"]] {
      #expect(throws: (any Error).self, "\(arguments)") { try Strata.parseAsRoot(["verify"] + arguments) }
    }
    let help = Strata.helpMessage(for: VerifyCommand.self)
    #expect(help.contains("strata verify analyses/quickstart-fashion-mnist.json"))
  }
}
