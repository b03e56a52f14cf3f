import Analysis
import CIL
import Foundation
import NN
import Pipeline
import Probes
import Recording
import Testing

/// Split and verify take the verification budget from one rule and one run record: under
/// `fixed_memory` both use DER's footprint with memory_per_class × classes, where the split
/// once took that and verify `memory_size`.
@Suite struct DefaultBudgetTests {
  static let blocks = BlockRegistry(ResNetArchitecture.builtIn("resnet20")!).entries.map(\.name)

  /// A run record of ResNet-20 on 4 classes of 8×8×3 images in 2 tasks, with fixed_memory.
  static func record() throws -> RunRecord {
    var spec = RunSpec()
    spec.modelName = .replay
    spec.dataset = "image-folder"
    spec.architecture = "resnet20"
    spec.initialClasses = 2
    spec.increment = 2
    spec.fixedMemory = true
    spec.memoryPerClass = 5
    spec.memorySize = 2000
    var architecture = ResNetArchitecture.builtIn("resnet20")!
    architecture.inputChannels = 3
    architecture.inputSize = 8
    return RunRecord(
      spec: spec.canonicalJSON, dataset: "image-folder",
      image: .init(channels: 3, height: 8, width: 8), classNames: ["a", "b", "c", "d"],
      classOrder: [2, 0, 3, 1], taskSizes: [2, 2],
      architecture: String(decoding: ArchitectureSpec.encode(architecture), as: UTF8.self),
      seeds: [1993], threads: 1, convolution: "auto")
  }

  @Test func splitAndVerifyShareTheFixedMemoryBudget() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-budget-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let record = try Self.record()
    let probes = directory + "/probes.h5"
    let file = try ProbeFile.create(
      at: probes, blocks: Self.blocks, epochs: 1, tasks: 2,
      settings: ProbeSettings(probeImagesPerClass: 4, ckaBatchSize: 4, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0", gitCommit: "x", commandLine: "strata probe",
                             spec: "", seed: 1993, libraries: [:], threads: 1),
      run: record)
    let value = Self.blocks.indices.map { $0 >= 7 ? 0.5 : 0.05 }
    try file.append(TaskProbes(
      task: 1, gradientNorm: [value], gradientNormNormalized: [value], epochShift: [value],
      shift: value.map { ParameterShift(relative: $0, cosineDistance: 0, statisticsRelative: 0) },
      ckaOld: value.map { CKAResult(value: 1 - $0, reason: nil) },
      ckaNew: value.map { CKAResult(value: 1 - $0, reason: nil) }, accuracy: [0.5, 0.5]))

    var settings = SplitStage.Settings()
    settings.derivation.bootstrapSamples = 20
    let report = try SplitStage.run(probes: probes, directory: directory, settings: settings)
    let planning = try VerificationPlanning(.init(
      spec: directory + "/absent.json", probes: probes, splitFile: directory + "/split.json",
      directory: directory))

    let ledger = try record.ledger(file: probes)
    let fixed = ledger.bytes(of: .der(exemplars: 5 * 4), tasks: 2)
    #expect(report.verificationPlan.budgetBytes == fixed)
    #expect(planning.sweep.budgets == [fixed])
    // The other rule (memory_size) would give another budget: the test can tell them apart.
    #expect(ledger.bytes(of: .der(exemplars: 2000), tasks: 2) != fixed)
    // Both read the image and the architecture from the run record: no --image needed for an
    // image folder, whose shape no table of built-in data sets knows.
    #expect(report.verificationPlan.imageBytes == 8 * 8 * 3)
  }

  @Test func theRunRecordRoundTrips() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-record-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let record = try Self.record()
    let probes = directory + "/probes.h5"
    _ = try ProbeFile.create(
      at: probes, blocks: Self.blocks, epochs: 1, tasks: 2,
      settings: ProbeSettings(probeImagesPerClass: 4, ckaBatchSize: 4, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0", gitCommit: "x", commandLine: "strata probe",
                             spec: "", seed: 1993, libraries: [:], threads: 1),
      run: record)
    let read = try #require(try ProbeFile.open(probes).read().run)
    #expect(read == record)
    #expect(try read.network(file: probes).inputSize == 8)
    #expect(try read.runSpec(file: probes).fixedMemory)
  }
}
