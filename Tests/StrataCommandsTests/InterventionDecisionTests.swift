import Analysis
import Foundation
import HDF5
import Probes
import Recording
import Testing
@testable import StrataCommands

/// The rewind/retrain probes in the split decision (issue 20, point 1): on a synthetic 3-seed
/// probe file whose 1 − CKA steps up at stage3.block1, interventions that rank the blocks as
/// 1 − CKA does confirm the split; a rewind probe whose new-class accuracy lives in the shallow
/// blocks withdraws it (no clear split, the same p-value), and says so.
@Suite struct InterventionDecisionTests {
  static let blocks = SplitCommandTests.blocks
  static var body: [String] { Array(blocks.dropLast()) }

  /// New-class accuracy per split (`stem` … `none`) whose marginal per body block is `gain`:
  /// rewinding from split k keeps the accuracy of none minus the gains of blocks k…; retraining
  /// from k reaches that of none plus the gains of blocks k….
  static func accuracies(_ gain: [Double], rewind: Bool) -> [Double] {
    (0...gain.count).map { k in
      let from = gain[k...].reduce(0, +)
      return rewind ? 0.9 - from : 0.2 + from
    }
  }

  /// One seed's probe file: 1 − CKA steps at stage3.block1 (block 7); the rewind and retrain
  /// marginals are `rewindGain` and `retrainGain` plus a little seed and task wobble.
  static func probeFile(_ path: String, seed: Int, rewindGain: [Double], retrainGain: [Double])
    throws
  {
    let file = try ProbeFile.create(
      at: path, blocks: blocks, epochs: 1, tasks: 4,
      settings: ProbeSettings(probeImagesPerClass: 10, ckaBatchSize: 8, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0.1.0", gitCommit: "abc", commandLine: "strata probe",
                             spec: SplitCommandTests.spec, seed: Int64(seed), libraries: [:], threads: 1),
      splits: body + ["none"], splitProbes: [.rewind, .retrain])
    for t in 0..<3 {
      let wobble = { (b: Int) in 0.004 * Double((b * 7 + t + 3 * seed) % 5) }
      let value = blocks.indices.map { b in (b >= 7 ? 0.5 : 0.05) + wobble(b) }
      var probes = TaskProbes(
        task: t + 1, gradientNorm: [value], gradientNormNormalized: [value], epochShift: [value],
        shift: value.map { ParameterShift(relative: $0, cosineDistance: 0, statisticsRelative: 0) },
        ckaOld: value.map { CKAResult(value: 1 - $0, reason: nil) },
        ckaNew: value.map { _ in CKAResult(value: 0.9, reason: nil) },
        accuracy: Array(repeating: 0.5 + 0.02 * Double(seed % 3), count: t + 2))
      let rewind = accuracies(rewindGain.indices.map { rewindGain[$0] + 0.1 * wobble($0) },
                              rewind: true)
      let retrain = accuracies(retrainGain.indices.map { retrainGain[$0] + 0.1 * wobble($0) },
                               rewind: false)
      probes.rewindOld = rewind.map { 1 - $0 }
      probes.rewindNew = rewind
      probes.retrainOld = retrain.map { 1 - $0 }
      probes.retrainNew = retrain
      try file.append(probes)
    }
  }

  /// Three seeds merged into `directory/probes.h5`, then `strata split`; returns split.json.
  static func decide(_ directory: String, rewindGain: [Double], retrainGain: [Double]) throws
    -> SplitReport
  {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var files: [(seed: Int, path: String)] = []
    for seed in [11, 12, 13] {
      let path = directory + "/seed-\(seed).h5"
      try probeFile(path, seed: seed, rewindGain: rewindGain, retrainGain: retrainGain)
      files.append((seed, path))
    }
    try ProbeFile.merge(files, into: directory + "/probes.h5")
    try SplitCommandTests.command([directory + "/probes.h5", "--output-dir", directory + "/out",
                                   "--bootstrap", "20"]).run()
    return try SplitReport.readJSON(directory + "/out/split.json")
  }

  /// Deep blocks carry the task: 0.01 per block before stage3.block1, 0.08 from it on.
  static let deep = (0..<10).map { $0 >= 7 ? 0.08 : 0.01 }
  /// The mirror image: the shallow blocks carry it.
  static let shallow = (0..<10).map { $0 < 3 ? 0.08 : 0.01 }

  @Test func interventionsAreReadAsMarginalsPerBodyBlock() throws {
    try SplitCommandTests.withDirectory { directory in
      _ = try Self.decide(directory, rewindGain: Self.deep, retrainGain: Self.shallow)
      let records = try ProbeFile.open(directory + "/probes.h5").readSeeds()
      let interventions = DepthProfiles.interventions(of: records)
      #expect(interventions.map(\.metric) == ["rewind_new_drop", "retrain_new_gain"])
      let rewind = try #require(records[1].rewind), retrain = try #require(records[1].retrain)
      for (b, block) in Self.body.enumerated() {
        #expect(interventions[0].blocks[b] == block)
        let drop = rewind.newAccuracy[2][b + 1] - rewind.newAccuracy[2][b]
        let gain = retrain.newAccuracy[2][b] - retrain.newAccuracy[2][b + 1]
        #expect(abs(interventions[0].values[1][2][b] - drop) < 1e-12)
        #expect(abs(interventions[1].values[1][2][b] - gain) < 1e-12)
        // The constructed marginals come back (to the wobble of 0.0016 at most).
        #expect(abs(drop - Self.deep[b]) < 0.002 && abs(gain - Self.shallow[b]) < 0.002)
      }
      // A file without the probes has no interventions.
      let plain = directory + "/plain"
      try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
      let one = try ProbeFile.open(try SplitCommandTests.probeFile(in: plain)).readSeeds()
      #expect(DepthProfiles.interventions(of: one).isEmpty)
    }
  }

  @Test func agreeingInterventionsConfirmTheSplit() throws {
    try SplitCommandTests.withDirectory { directory in
      let report = try Self.decide(directory, rewindGain: Self.deep, retrainGain: Self.deep)
      let decision = try #require(report.decision)
      #expect(decision.split == "stage3.block1" && report.recommendedSplit == "stage3.block1")
      #expect(decision.metricsRequired == ["rewind_new_drop", "retrain_new_gain"])
      #expect(decision.metricsUsed.prefix(3) == ["1-cka_old", "rewind_new_drop", "retrain_new_gain"])
      let agreements = try #require(decision.interventionAgreements)
      #expect(agreements.allSatisfy { $0.agrees && $0.meanCorrelation! > 0.5 })
      // split.h5 holds them on the diagnostic axis, first, with the attribute naming them.
      let file = try HDF5File.open(directory + "/out/split.h5")
      defer { try? file.close() }
      let group = try file.root.openGroup("split").openGroup("decision")
      let names = try group.openDataset("diagnostic").read(String.self)
      #expect(Array(names.prefix(2)) == ["rewind_new_drop", "retrain_new_gain"])
      #expect(try group.attributes.read("metrics_required", as: String.self)
              == "rewind_new_drop, retrain_new_gain")
    }
  }

  @Test func aDisagreeingInterventionWithdrawsTheSplit() throws {
    try SplitCommandTests.withDirectory { directory in
      let agreeing = try #require(
        try Self.decide(directory + "/a", rewindGain: Self.deep, retrainGain: Self.deep).decision)
      let report = try Self.decide(directory + "/b", rewindGain: Self.shallow, retrainGain: Self.deep)
      let decision = try #require(report.decision)
      #expect(decision.split == nil && report.recommendedSplit == nil)
      #expect(report.confidence == "no clear split")
      // The primary rule is untouched: same best step and p-value as with agreeing probes.
      #expect(decision.bestStep == "stage3.block1" && decision.pValue == agreeing.pValue)
      #expect(decision.pValue <= 0.05)
      #expect(decision.metricsDisagreeing.contains("rewind_new_drop"))
      #expect(decision.metricsUsed.contains("retrain_new_gain"))
      #expect(decision.notes.contains { $0.contains("rewind_new_drop") && $0.contains("not confirmed") })
    }
  }
}
