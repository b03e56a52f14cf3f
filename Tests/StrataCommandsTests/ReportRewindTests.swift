import Foundation
import Probes
import Recording
import Testing
@testable import StrataCommands

/// `strata report` on a probe file with the rewind probe: the curve and its table in the
/// candidate splits (after `strata split`) or in a section of their own (probes only).
@Suite(.serialized) struct ReportRewindTests {
  static let splits = ["stem", "stage1.block1", "stage2.block1", "none"]

  /// A probe file of the tiny network (`VerifyCommandTests.probeFile`'s metrics) with made-up
  /// rewind accuracies that differ per task and split (and retrain ones when `retrain`).
  static func probeFile(_ directory: String, retrain: Bool = false) throws -> String {
    let architecture = directory + "/tiny28.json"
    try VerifyCommandTests.architecture.write(toFile: architecture, atomically: true, encoding: .utf8)
    let path = directory + "/probes.h5"
    let file = try ProbeFile.create(
      at: path, blocks: ["stem", "stage1.block1", "stage2.block1", "head"], epochs: 1, tasks: 3,
      settings: ProbeSettings(probeImagesPerClass: 8, ckaBatchSize: 8, ckaFeatures: "flatten",
                              probeSet: "test split"),
      provenance: Provenance(strataVersion: "0", gitCommit: "x", commandLine: "strata probe",
                             spec: VerifyCommandTests.spec(architecture: architecture), seed: 1993,
                             libraries: [:], threads: 1),
      splits: splits, splitProbes: retrain ? [.rewind, .retrain] : [.rewind])
    for t in 1...2 {
      let value = [0.05, 0.1, 0.8, 0.9].map { $0 + 0.01 * Double(t) }
      var probes = TaskProbes(
        task: t, gradientNorm: [value], gradientNormNormalized: [value], epochShift: [value],
        shift: value.map { ParameterShift(relative: $0, cosineDistance: 0, statisticsRelative: 0) },
        ckaOld: value.map { CKAResult(value: 1 - $0, reason: nil) },
        ckaNew: value.map { CKAResult(value: 1 - $0, reason: nil) },
        accuracy: Array(repeating: 0.5, count: t + 1))
      probes.rewindOld = [0.9, 0.85, 0.7, 0.6].map { $0 - 0.05 * Double(t) }
      probes.rewindNew = [0.1, 0.15, 0.6, 0.8].map { $0 + 0.05 * Double(t) }
      if retrain {
        probes.retrainOld = [0.3, 0.4, 0.5, 0.55].map { $0 + 0.02 * Double(t) }
        probes.retrainNew = [0.95, 0.9, 0.85, 0.4].map { $0 - 0.02 * Double(t) }
      }
      try file.append(probes)
    }
    return path
  }

  /// The Markdown table `rewind` against the file, and the chart written.
  static func checkRewind(_ directory: String, probes path: String) throws -> String {
    try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
    let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
    let rewind = try #require(try ProbeFile.open(path).read().rewind)
    let rows = ReportCommandTests.markdownTable(markdown, header: "task | split")
    #expect(rows.count == 2 * splits.count)
    for row in rows {
      let (t, k) = (Int(row[0])! - 1, try #require(splits.firstIndex(of: row[1])))
      #expect(ReportCommandTests.samePercent(row[2], rewind.oldAccuracy[t][k]), "\(row)")
      #expect(ReportCommandTests.samePercent(row[3], rewind.newAccuracy[t][k]), "\(row)")
    }
    #expect(!markdown.contains("Rewind curve: not recorded"))
    let svg = try String(contentsOfFile: directory + "/charts/rewind.svg", encoding: .utf8)
    #expect(svg.contains("old classes") && svg.contains("new classes") && svg.contains(">none<"))
    return markdown
  }

  @Test func theCurveIsInTheCandidateSplits() throws {
    try SplitCommandTests.withDirectory { directory in
      let path = try Self.probeFile(directory)
      try SplitCommandTests.command([path, "--bootstrap", "20"]).run()
      let markdown = try Self.checkRewind(directory, probes: path)
      let candidates = try #require(markdown.range(of: "Candidate splits"))
      let table = try #require(markdown.range(of: "| task | split |"))
      #expect(candidates.lowerBound < table.lowerBound)
    }
  }

  @Test func withoutASplitTheCurveHasItsOwnSection() throws {
    try SplitCommandTests.withDirectory { directory in
      let path = try Self.probeFile(directory)
      let markdown = try Self.checkRewind(directory, probes: path)
      #expect(markdown.contains("Rewind probe") && !markdown.contains("Candidate splits"))
    }
  }

  /// A probe file recorded without the probe keeps the sentence.
  @Test func aFileWithoutTheProbeSaysSo() throws {
    try SplitCommandTests.withDirectory { directory in
      _ = try ReportCommandTests.runFolder(directory)
      let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
      #expect(markdown.contains("Rewind curve: not recorded in this run"))
      #expect(!FileManager.default.fileExists(atPath: directory + "/charts/rewind.svg"))
    }
  }
}
