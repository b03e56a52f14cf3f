import Foundation
import NN
import Probes
import Recording
import Testing
@testable import StrataCommands

/// `strata split`, parsed and run in-process on a probe file with a known step.
@Suite struct SplitCommandTests {
  static let blocks = BlockRegistry(ResNetArchitecture.builtIn("resnet20")!).entries.map(\.name)
  static let spec = #"{"model_name": "memo", "dataset": "fashion-mnist", "architecture": "resnet20", "#
    + #""init_cls": 2, "increment": 2, "memory_size": 200}"#

  /// A probe file (ResNet-20, 3 of 5 tasks) whose three metrics step up at stage3.block1.
  static func probeFile(in directory: String, tasks: Int = 3) throws -> String {
    let path = directory + "/probes.h5"
    let file = try ProbeFile.create(
      at: path, blocks: blocks, epochs: 1, tasks: 5,
      settings: ProbeSettings(probeImagesPerClass: 10, ckaBatchSize: 8, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0.1.0", gitCommit: "abc", commandLine: "strata probe",
                             spec: spec, seed: 1993, libraries: [:], threads: 1))
    for t in 0..<tasks {
      let value = blocks.indices.map { b in (b >= 7 ? 0.5 : 0.05) + 0.01 * Double((b * 7 + t) % 5) }
      try file.append(TaskProbes(
        task: t + 1, gradientNorm: [value], gradientNormNormalized: [value], epochShift: [value],
        shift: value.map { ParameterShift(relative: $0, cosineDistance: 0, statisticsRelative: 0) },
        ckaOld: value.map { CKAResult(value: 1 - $0, reason: nil) },
        ckaNew: value.map { _ in CKAResult(value: 0.9, reason: nil) },
        accuracy: Array(repeating: 0.5, count: t + 2)))
    }
    return path
  }

  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-split-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
  }

  static func command(_ arguments: [String]) throws -> SplitCommand {
    try #require(try Strata.parseAsRoot(["split"] + arguments) as? SplitCommand)
  }

  @Test func printsTheTableAndWritesBothFiles() throws {
    try Self.withDirectory { directory in
      let probes = try Self.probeFile(in: directory)
      let out = directory + "/analysis"
      let command = try Self.command([probes, "--output-dir", out, "--bootstrap", "200"])
      let (report, _) = try command.analyze()
      let text = SplitTable(report).rendered
      // The decision (SplitEvidence) now names the split; a clean step of 0.45 over 3 tasks.
      #expect(report.decision?.split == "stage3.block1")
      #expect(text.contains("decision: split at stage3.block1 (p = 0.00"))
      #expect(text.contains("recommended split: stage3.block1 (confidence: step at stage3.block1 (p = "))
      // The legacy score only on request (--legacy).
      #expect(!text.contains("legacy") && !text.contains("metrics alone"))
      let legacy = SplitTable(report, legacy: true).rendered
      #expect(legacy.contains("legacy score, first seed only, not used for the decision"))
      #expect(legacy.contains("metrics alone: grad_norm_normalized → stage3.block1, param_shift → "
        + "stage3.block1, 1-cka_old → stage3.block1"))
      #expect(text.contains("agreement with 1-cka_old over the body blocks"))
      #expect(text.contains("param_shift") && text.contains(" diagnostic "), "the agreement table")
      // The last table with a row per split is the verification plan.
      let rows = ArchCommandTests.rows(text)
      #expect(rows["stage3.block1"]?.contains("recommended") == true)
      #expect(rows["stem"]?.contains("der") == true)
      try command.run()
      #expect(FileManager.default.fileExists(atPath: out + "/split.json"))
      #expect(FileManager.default.fileExists(atPath: out + "/split.h5"))
    }
  }

  @Test func overrides() throws {
    try Self.withDirectory { directory in
      let probes = try Self.probeFile(in: directory)
      let (report, _) = try Self.command([probes, "--budget", "5000000", "--image", "32x32x3",
                                          "--cka", "new", "--bootstrap", "10"]).analyze()
      #expect(report.verificationPlan.budgetBytes == 5_000_000)
      #expect(report.verificationPlan.imageBytes == 3072)
      #expect(report.method.metrics.last == "1-cka_new")
      // CKA on new-class images is the same everywhere here: left out, with a note per task.
      #expect(report.notes.count == 3 && report.notes[0].hasPrefix("1-cka_new at task 1"))
    }
  }

  @Test func badInput() throws {
    for arguments in [["probes.h5", "--cka", "both"], ["probes.h5", "--bootstrap", "0"],
                      ["probes.h5", "--budget", "lots"], ["probes.h5", "--image", "3x3"]] {
      #expect(throws: (any Error).self, "\(arguments)") {
        try Strata.parseAsRoot(["split"] + arguments)
      }
    }
    try Self.withDirectory { directory in
      let missing = directory + "/none.h5"
      do {
        _ = try Self.command([missing]).analyze()
        Issue.record("a missing probe file was accepted")
      } catch {
        #expect("\(error)" == "\(missing): no such probe file")
      }
      let empty = try Self.probeFile(in: directory, tasks: 0)
      do {
        try Self.command([empty, "--output-dir", directory + "/out"]).run()
        Issue.record("a probe file without tasks was accepted")
      } catch {
        #expect("\(error)".hasPrefix("\(empty): no tasks recorded"))
      }
      #expect(!FileManager.default.fileExists(atPath: directory + "/out/split.json"))
    }
  }

  @Test func helpHasAnExample() {
    let help = Strata.helpMessage(for: SplitCommand.self)
    #expect(help.contains("strata split runs/fmnist/probes.h5 --output-dir analyses/fmnist"))
    #expect(help.contains("--budget <BYTES|DER:N>") && help.contains("--cka <old|new>"))
  }
}
