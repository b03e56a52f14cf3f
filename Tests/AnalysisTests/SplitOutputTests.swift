import CIL
import Foundation
import NN
import Recording
import Testing
@testable import Analysis

/// split.json and split.h5 from a probe file, read back by Swift, h5py and xarray; bad probe
/// files are errors naming them.
@Suite struct SplitOutputTests {
  typealias F = ProbeFixture

  /// A step at stage3.block1 (block 7 of ResNet-20) with seeded noise, over four tasks.
  static func probeFile(tasks: Int = 4) throws -> String {
    var generator = SeededGenerator(seed: 21)
    return try F.file((1...tasks).map { t in
      F.task(t) { m, b in
        let base = F.step(11, at: 7, low: 0.05, high: 0.4)[b] * (m == .gradient ? 10 : 1)
        return m == .representation && b == 2 && t == 3 ? .nan
          : base * (1 + 0.1 * generator.normal())
      }
    })
  }

  static func analyze(_ path: String, budget: MemoryLedger.Budget? = nil) throws
    -> (SplitReport, SplitDerivation)
  {
    let record = try ProbeFile.open(path).read()
    let run = try ProbeRun(record)
    let derivation = SplitDerivation(try BlockSensitivities(record, probeSet: .old),
                                     settings: .init(bootstrapSamples: 200))
    let plan = VerificationPlan(
      ledger: run.ledger, tasks: run.tasks,
      recommended: derivation.recommended.map { SplitPoint(derivation.candidates[$0]) },
      budget: try budget ?? run.defaultBudget(file: path))
    return (SplitReport(derivation, run: run, plan: plan, record: record), derivation)
  }

  @Test func reportFromAProbeFile() throws {
    let path = try Self.probeFile()
    let (report, _) = try Self.analyze(path)
    #expect(report.recommendedSplit == "stage3.block1" && report.architecture == "resnet20")
    #expect(report.blocks.map(\.role) == Array(repeating: "shared", count: 7)
            + Array(repeating: "specialized", count: 3) + ["head"])
    #expect(report.method.metrics == ["grad_norm_normalized", "param_shift", "1-cka_old"])
    #expect(report.notes.count == 1 && report.notes[0].contains("task 3, stage1.block2"))
    // The run spec in the provenance: Fashion-MNIST (28×28×1), 5 tasks, DER:200.
    let plan = report.verificationPlan
    #expect(plan.tasks == 5 && plan.imageBytes == 784 && plan.budget == "DER:200")
    var grey = ResNetArchitecture.builtIn("resnet20")!
    grey.inputChannels = 1
    let ledger = MemoryLedger(grey, image: .mnist)
    #expect(plan.budgetBytes == ledger.bytes(of: .der(exemplars: 200), tasks: 5))
    #expect(plan.candidates.map(\.split) == ["stem", "stage2.block3", "stage3.block1",
                                             "stage3.block2", "none"])
    let memo = try #require(report.candidates.first { $0.split == "stage3.block1" })
    #expect(memo.exemplars == ledger.exemplars(budget: plan.budgetBytes, split: .at("stage3.block1"),
                                               tasks: 5))
    #expect(memo.specializedParameters == ledger.partition(.at("stage3.block1")).specialized)
    #expect(memo.planRoles == ["recommended"] && memo.changePointCost != nil)
    #expect(report.candidates.first?.contrast == nil && report.candidates.last?.contrast == nil)
    #expect(report.blocks.map(\.parameters).reduce(0, +)
            == ledger.registry.entries.map(\.parameterCount).reduce(0, +))
  }

  @Test func jsonAndHDF5RoundTrip() throws {
    let path = try Self.probeFile()
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (report, derivation) = try Self.analyze(path)
    let json = directory + "/split.json", h5 = directory + "/split.h5"
    try report.writeJSON(to: json)
    let provenance = Provenance(strataVersion: "0.1.0", gitCommit: "def456",
                                commandLine: "strata split probes.h5", spec: F.spec, seed: 1993,
                                libraries: ["HDF5": "1.10.8"], threads: 1)
    try SplitFile.write(report.record(derivation, provenance: provenance), to: h5)
    #expect(try SplitReport.readJSON(json) == report)
    #expect(!FileManager.default.fileExists(atPath: json + ".partial"))
    #expect(!FileManager.default.fileExists(atPath: h5 + ".partial"))

    let out = try F.python("read_split.py", [h5, json])
    let variables = try #require(out["variables"] as? [String: [String: Any]])
    for variable in SplitSchema.variables {
      let stored = try #require(variables[variable.name], "\(variable.name) missing")
      #expect(stored["dims"] as? [String] == variable.dimensions, "\(variable.name)")
      #expect(stored["attrs"] as? [String] == ["description", "long_name", "units"])
    }
    #expect(variables["block"]?["values"] as? [String] == F.blocks)
    #expect(variables["candidate"]?["values"] as? [String] == report.candidates.map(\.split))
    let scores = try #require(variables["score"]?["values"] as? [Double])
    // Foundation's JSON parser may lose the last bit of Python's shortest float repr.
    #expect(zip(scores, report.blocks.map { $0.score! }).allSatisfy { abs($0 - $1) < 1e-12 })
    let exemplars = try #require(variables["exemplars"]?["values"] as? [Int])
    #expect(exemplars == report.candidates.map { $0.exemplars ?? -1 })
    #expect(variables["normalized_value"]?["shape"] as? [Int] == [4, 3, 11])
    let normalized = try #require(variables["normalized_value"]?["values"] as? [Any])
    #expect(normalized[2 * 33 + 2 * 11 + 2] is NSNull, "task 3's NaN CKA at stage1.block2")
    #expect(variables["role"]?["values"] as? [String] == report.blocks.map(\.role))
    #expect(variables["plan_role"]?["values"] as? [String]
            == report.candidates.map { $0.planRoles.joined(separator: "+") })

    let group = try #require(out["group_attributes"] as? [String: Any])
    #expect(group["recommended_split"] as? String == "stage3.block1")
    #expect(group["confidence"] as? String == report.confidence)
    #expect(group["bootstrap_unit"] as? String == "task")
    #expect(group["budget_bytes"] as? Int == report.verificationPlan.budgetBytes)
    let root = try #require(out["root_attributes"] as? [String: Any])
    #expect(root["command_line"] as? String == "strata split probes.h5")
    #expect(root["git_commit"] as? String == "def456" && root["spec"] as? String == F.spec)

    let xarray = try #require(out["xarray"] as? [String: Any])
    #expect(xarray["block"] as? [String] == F.blocks)
    #expect(xarray["score_dims"] as? [String] == ["block"])
    #expect(xarray["normalized_dims"] as? [String] == ["task", "metric", "block"])
    #expect(xarray["exemplars_at_recommended"] as? Int
            == report.candidates.first { $0.split == "stage3.block1" }?.exemplars)

    // The layout against a golden file; re-record on purpose with STRATA_RECORD_GOLDEN=1.
    let schema = try #require(out["schema"] as? [String]).joined(separator: "\n") + "\n"
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Golden/split-schema.txt")
    if ProcessInfo.processInfo.environment["STRATA_RECORD_GOLDEN"] == "1" {
      try schema.write(to: golden, atomically: true, encoding: .utf8)
    }
    #expect(schema == (try String(contentsOf: golden, encoding: .utf8)),
            "split.h5 layout changed; re-record on purpose with STRATA_RECORD_GOLDEN=1")

    let decoded = try #require(out["json"] as? [String: Any])
    #expect(decoded["recommended_split"] as? String == "stage3.block1")
    let candidates = try #require(decoded["candidates"] as? [[String: Any]])
    #expect(candidates.count == 11 && candidates[0]["contrast"] is NSNull)
    #expect(candidates[7]["exemplars"] as? Int == report.candidates[7].exemplars)
    let plan = try #require(decoded["verification_plan"] as? [String: Any])
    #expect(plan["budget_bytes"] as? Int == report.verificationPlan.budgetBytes)
  }

  @Test func probeFileWithoutTasks() throws {
    let path = try F.file([])
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    let record = try ProbeFile.open(path).read()
    let error = try #require(throws: SplitError.self) {
      try BlockSensitivities(record, probeSet: .old)
    }
    #expect(error.description.hasPrefix("\(path): no tasks recorded"))
  }

  /// The run's architecture must have the file's blocks; the error says how to name it.
  @Test func architectureMustMatchTheBlocks() throws {
    let spec = F.spec.replacingOccurrences(of: "resnet20", with: "resnet32")
    let path = try F.file([F.task(1) { _, b in Double(b) }], spec: spec)
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    let record = try ProbeFile.open(path).read()
    let error = try #require(throws: SplitError.self) { try ProbeRun(record) }
    #expect(error.description.hasPrefix("\(path): its blocks (stem, stage1.block1"))
    #expect(error.description.contains("--architecture"))
    #expect(try ProbeRun(record, architecture: "resnet20").ledger.backboneParameters == 268_784)
    let cifar = try F.file([], spec: #"{"dataset": "svhn", "architecture": "resnet20"}"#)
    let unknown = try #require(throws: SplitError.self) {
      try ProbeRun(try ProbeFile.open(cifar).read())
    }
    #expect(unknown.description.contains("--image"))
  }
}
