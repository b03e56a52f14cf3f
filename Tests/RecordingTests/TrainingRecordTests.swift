import CIL
import Data
import Foundation
import NN
import Testing
@testable import Recording

/// A training record reads back as it was written; anything else is an error naming the file.
@Suite struct TrainingRecordTests {
  static func plan() throws -> RunPlan {
    var spec = RunSpec()
    spec.modelName = .replay
    (spec.initialClasses, spec.increment, spec.memorySize) = (2, 1, 8)
    let architecture = ResNetArchitecture(
      name: "tiny", stem: .cifar, stemWidth: 4, stages: [.init(blocks: 1, width: 4, stride: 1)],
      shortcut: .zeroPadding, inputChannels: 1, inputSize: 8, classes: 4)
    return try RunPlan(spec, architecture: architecture, classCount: 4,
                       image: ImageShape(channels: 1, height: 8, width: 8), file: "spec.json")
  }

  /// Three tasks of made-up accuracies and ledger entries.
  static func result(plan: RunPlan) -> RunResult {
    var result = RunResult(cnn: AccuracyMatrix(taskCount: 3), nme: AccuracyMatrix(taskCount: 3))
    for t in 0..<3 {
      let row = (0...t).map { 0.9 - 0.2 * Double(t - $0) }
      result.cnn.append(perTask: row, total: row.reduce(0, +) / Double(row.count))
      result.nme!.append(perTask: row.map { $0 - 0.05 }, total: 0.5 + 0.1 * Double(t))
      result.ledger.append(LedgerEntry(task: t, modelParameters: 1000 + t, networkParameters: 1100,
                                       exemplars: 8 - t, imageBytes: 64))
    }
    return result
  }

  static func bits(_ m: AccuracyMatrix?) -> [UInt64] {
    (m?.values.flatMap { $0 } ?? []).map(\.bitPattern) + (m?.total ?? []).map(\.bitPattern)
  }

  @Test func roundTrip() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let plan = try Self.plan()
    let result = Self.result(plan: plan)
    let path = directory + "/run.h5"
    try TrainingRecord.write(result, plan: plan, provenance: Provenance(
          strataVersion: "0", gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
    let summary = try TrainingRecord.read(path)
    #expect(summary.method == "replay" && summary.split == "none" && summary.seed == 1993)
    #expect(summary.architecture == "tiny")
    #expect(Self.bits(summary.cnn) == Self.bits(result.cnn))
    #expect(Self.bits(summary.nme) == Self.bits(result.nme))
    #expect(summary.exemplars == [8, 7, 6] && summary.modelBytes == [4000, 4004, 4008])
    #expect(summary.totalBytes == result.ledger.map(\.totalBytes))
  }

  @Test func otherFilesAreNamedErrors() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let text = directory + "/notes.h5"
    try "not HDF5".write(toFile: text, atomically: true, encoding: .utf8)
    let probes = directory + "/probes.h5"
    _ = try ProbeFile.create(at: probes, blocks: ["stem"], epochs: 1, tasks: 2,
                             settings: ProbeFileTests.settings,
                             provenance: ProbeFileTests.provenance)
    for (path, message) in [(text, "not a readable training record"),
                            (probes, "no variable accuracy_cnn"),
                            (directory + "/missing.h5", "not a readable training record")]
    {
      let error = try #require(throws: RecordingError.self) { try TrainingRecord.read(path) }
      #expect(error.path == path && error.message.contains(message), "\(error)")
    }
  }
}
