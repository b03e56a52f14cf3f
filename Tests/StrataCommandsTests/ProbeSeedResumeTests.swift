import Foundation
import Recording
import Testing
@testable import Pipeline

/// `strata probe --seeds A,B,C` resumes per seed: run again after a kill (no merged file yet),
/// a complete seed file is kept as it is, a seed killed mid-write (a truncated file) and a seed
/// never started (no file) are run again, and the merged file holds every seed.
@Suite(.serialized) struct ProbeSeedResumeTests {
  /// The stage's log lines, collected.
  final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var log: StageLog {
      StageLog { _, message, _ in self.lock.withLock { self.lines.append(message) } }
    }
    var all: [String] { lock.withLock { lines } }
  }

  /// A folder with ImageFolderRunTests' images, network and spec: the spec's path, the probe
  /// output and small settings for `seeds`; the folder is removed after `body`.
  static func withRun(seeds: [Int],
                      _ body: (_ spec: String, _ output: String, ProbeStage.Settings) throws -> Void)
    throws
  {
    let directory = try ImageFolderTrainTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try ImageFolderTrainTests.writeFolder(directory.appendingPathComponent("images"), classes: 4,
                                          perClass: 6)
    try ImageFolderRunTests.architecture.write(to: directory.appendingPathComponent("tiny8.json"),
                                               atomically: true, encoding: .utf8)
    let spec = directory.appendingPathComponent("folder.json").path
    try ImageFolderRunTests.spec.write(toFile: spec, atomically: true, encoding: .utf8)
    var settings = ProbeStage.Settings()
    settings.probeImagesPerClass = 4
    settings.recorder.ckaBatch = 4
    settings.seeds = seeds
    try body(spec, directory.appendingPathComponent("probes.h5").path, settings)
  }

  @Test func aKilledSeedRunsAgainAndFinishedSeedsAreKept() throws {
    try Self.withRun(seeds: [5, 6, 7]) { spec, output, settings in
      let files = settings.seeds.map { ProbeStage.seedFile(output: output, seed: $0) }

      let first = Lines()
      _ = try ProbeStage.run(spec: spec, output: output, settings: settings, log: first.log)
      #expect(try ProbeFile.open(output).readSeeds().map(\.seed) == [5, 6, 7])
      #expect(files.allSatisfy(ProbeStage.isComplete))
      #expect(!first.all.contains { $0.hasPrefix("seed ") && $0.contains(": complete in ") })

      // The kill: the merged file is not written yet, seed 6 was cut off mid-write, seed 7 never
      // started.
      try FileManager.default.removeItem(atPath: output)
      let kept = try Data(contentsOf: URL(fileURLWithPath: files[0]))
      let keptDate = try FileManager.default.attributesOfItem(atPath: files[0])[.modificationDate] as! Date
      let whole = try Data(contentsOf: URL(fileURLWithPath: files[1]))
      try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: files[1]))
      #expect(!ProbeStage.isComplete(files[1]))
      try FileManager.default.removeItem(atPath: files[2])

      let again = Lines()
      _ = try ProbeStage.run(spec: spec, output: output, settings: settings, log: again.log)
      #expect(again.all.contains { $0.hasPrefix("seed 5: complete") && $0.hasSuffix("kept") })
      #expect(!again.all.contains { $0.hasPrefix("seed 6: complete") || $0.hasPrefix("seed 7: complete") })
      #expect(again.all.contains { $0.hasPrefix("seed 6 of 5,6,7") })
      #expect(again.all.contains { $0.hasPrefix("seed 7 of 5,6,7") })
      // Seed 5 untouched; 6 and 7 complete again; the merged file has all three.
      #expect(try Data(contentsOf: URL(fileURLWithPath: files[0])) == kept)
      #expect(try FileManager.default.attributesOfItem(atPath: files[0])[.modificationDate] as! Date
              == keptDate)
      #expect(files.allSatisfy(ProbeStage.isComplete))
      let records = try ProbeFile.open(output).readSeeds()
      #expect(records.map(\.seed) == [5, 6, 7])
      #expect(records.allSatisfy { $0.tasks == [1] })
      // Seed 5's values in the merged file are the kept file's (NaN where CKA is undefined).
      let bits = { (m: [[Double]]) in m.map { $0.map(\.bitPattern) } }
      let kept5 = try ProbeFile.open(files[0]).read()
      #expect(bits(records[0].ckaOld) == bits(kept5.ckaOld))
      #expect(bits(records[0].shift) == bits(kept5.shift))
    }
  }

  /// A spec edited between two attempts: the kept seed file belongs to the old protocol, so the
  /// stage refuses to merge it, names the file and what differs, and leaves it as it was.
  @Test func aSeedFileOfAnotherSpecIsRefusedNotMerged() throws {
    try Self.withRun(seeds: [5, 6]) { spec, output, settings in
      _ = try ProbeStage.run(spec: spec, output: output, settings: settings)
      try FileManager.default.removeItem(atPath: output)
      let file = ProbeStage.seedFile(output: output, seed: 5)
      let kept = try Data(contentsOf: URL(fileURLWithPath: file))

      // Unchanged spec: kept (the check passes on the same protocol).
      _ = try ProbeStage.run(spec: spec, output: output, settings: settings)
      try FileManager.default.removeItem(atPath: output)

      try ImageFolderRunTests.spec.replacingOccurrences(of: #""epochs": 1"#, with: #""epochs": 2"#)
        .write(toFile: spec, atomically: true, encoding: .utf8)
      let refusal = try #require(throws: StageRefusal.self) {
        _ = try ProbeStage.run(spec: spec, output: output, settings: settings)
      }
      #expect(refusal.description.hasPrefix("\(file): the complete probe run of seed 5"))
      #expect(refusal.description.contains("(epochs differ from \(spec)'s)"), "\(refusal)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == kept)
      #expect(!FileManager.default.fileExists(atPath: output))
    }
  }
}
