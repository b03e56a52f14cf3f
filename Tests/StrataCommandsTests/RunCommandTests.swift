import Foundation
import Recording
import Testing
@testable import Pipeline
@testable import StrataCommands

/// `strata run` end to end as a subprocess on a tiny spec: every stage's outputs, the refusal
/// of an existing folder, and a resume after a stop between stages that redoes only what is
/// missing.
@Suite(.serialized) struct RunCommandTests {
  /// Runs the built `strata` with `arguments`; (exit status, stdout + stderr).
  static func strata(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try StrataExecutable.path())
    process.arguments = arguments
    let log = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-run-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
  }

  static func modified(_ path: String) throws -> Date {
    try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
  }

  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func pipelineRefusalAndResume() throws {
    try SplitCommandTests.withDirectory { directory in
      try VerifyCommandTests.architecture.write(toFile: directory + "/tiny28.json",
                                                atomically: true, encoding: .utf8)
      let spec = directory + "/tiny.json"
      try VerifyCommandTests.spec(architecture: "tiny28.json")
        .replacingOccurrences(of: #""model_name": "memo""#, with: #""model_name": "replay""#)
        .replacingOccurrences(of: #""seed": 1993"#, with: #""seed": 1993, "verify_budgets": ["DER:30"]"#)
        .write(toFile: spec, atomically: true, encoding: .utf8)
      let out = directory + "/run"
      let (status, log) = try Self.strata(["run", spec, "--out", out, "--quiet"])
      #expect(status == 0, "\(log)")
      for file in ["run.json", "probes.h5", "split.json", "split.h5", "verify.h5", "report.html",
                   "report.md"] {
        #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "no \(file)")
      }
      let probes = try ProbeFile.open(out + "/probes.h5").read()
      #expect(probes.tasks == [1, 2])
      // The split's plan is priced at the budget the verification judges (the spec's first).
      let split = try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: out + "/split.json"))) as? [String: Any]
      let plan = split?["verification_plan"] as? [String: Any]
      #expect(plan?["budget"] as? String == "DER:30", "\(plan ?? [:])")
      let verdict = try VerifyFile.read(out + "/verify.h5").verdict
      #expect(["verified", "not verified", "no recommendation"].contains(verdict.status))

      // A second run into the same folder without --resume: refused, nothing changed.
      let probeDate = try Self.modified(out + "/probes.h5")
      let verifyDate = try Self.modified(out + "/verify.h5")
      let (refused, message) = try Self.strata(["run", spec, "--out", out])
      #expect(refused != 0 && message.contains("already holds a run"))
      #expect(try Self.modified(out + "/verify.h5") == verifyDate)

      // Stopped between verify and report (and with one verification run lost): --resume redoes
      // only those and keeps the probe file.
      try FileManager.default.removeItem(atPath: out + "/verify.h5")
      try FileManager.default.removeItem(atPath: out + "/report.html")
      let runs = try FileManager.default.contentsOfDirectory(atPath: out + "/runs")
        .filter { $0.hasSuffix(".h5") }.sorted()
      try FileManager.default.removeItem(atPath: "\(out)/runs/\(runs[0])")
      let (resumed, resumeLog) = try Self.strata(["run", spec, "--out", out, "--resume", "--quiet"])
      #expect(resumed == 0, "\(resumeLog)")
      #expect(resumeLog.contains("== probe: complete, skipped")
        && resumeLog.contains("== split: complete, skipped"))
      #expect(resumeLog.contains("[1/1] \(runs[0].dropLast(3)) done"))
      #expect(try Self.modified(out + "/probes.h5") == probeDate)
      #expect(FileManager.default.fileExists(atPath: out + "/report.html"))
      #expect(try VerifyFile.read(out + "/verify.h5").verdict == verdict)
    }
  }

  @Test func parses() throws {
    let command = try #require(try Strata.parseAsRoot(["run", "a/quick.json"]) as? RunCommand)
    #expect(command.directory == "runs/quick" && command.jobs == nil && !command.resume)
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["run", "a.json", "--jobs", "0"]) }
    #expect(Strata.helpMessage(for: RunCommand.self)
      .contains("strata run analyses/quickstart-fashion-mnist.json --out runs/quickstart"))
  }
}
