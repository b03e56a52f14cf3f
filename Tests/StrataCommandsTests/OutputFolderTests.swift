import CIL
import Foundation
import Recording
import Reports
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// Output folders that cannot take the results (issue 11), on a real file system (a tmpfs, since
/// root ignores chmod): a read-only folder stops `strata train` and `strata probe` before any
/// training with a non-zero exit naming the folder; a full disk fails a report with the file and
/// the cause named, and earlier results stay as they were (a training run on a full disk:
/// PipelineTests' TrainStageTests).
@Suite struct OutputFolderTests {
  /// A tiny Fashion-MNIST spec (the tiny28 network), written to a fresh folder.
  static func withSpec(_ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-output-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let architecture = directory + "/tiny28.json"
    try VerifyCommandTests.architecture.write(toFile: architecture, atomically: true, encoding: .utf8)
    let spec = directory + "/spec.json"
    try VerifyCommandTests.spec(architecture: architecture)
      .replacingOccurrences(of: "\"memo\"", with: "\"replay\"")
      .write(toFile: spec, atomically: true, encoding: .utf8)
    try body(spec)
  }

  /// Runs the built `strata` with `arguments` (one thread).
  static func strata(_ arguments: [String]) throws -> StrataTestSupport.ChildProcess.Result {
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = "1"
    return try StrataTestSupport.ChildProcess.run(try StrataExecutable.path(), arguments,
                                                environment: environment)
  }

  @Test(arguments: ["train", "probe"])
  func aReadOnlyFolderStopsTheCommandBeforeTraining(command: String) throws {
    try Self.withSpec { spec in
      try withScratchMount(bytes: 1024 * 1024) { mount in
        let earlier = mount.path + "/earlier.h5"
        try Data("results of an earlier run".utf8).write(to: URL(fileURLWithPath: earlier))
        try mount.remountReadOnly()
        let result = try Self.strata([command, spec, "--output", mount.path + "/out.h5"])
        print("READONLY strata \(command): exit \(result.status): \(result.errors)")
        #expect(result.status != 0)
        #expect(result.errors.contains("\(mount.path): cannot write in the output folder: "
                                       + "Read-only file system; nothing was done"), "\(result.errors)")
        // Stopped before training: no task was evaluated.
        #expect(!result.errors.contains("task 0:") && !String(decoding: result.output, as: UTF8.self)
          .contains("average incremental accuracy"))
        #expect(try String(contentsOfFile: earlier, encoding: .utf8) == "results of an earlier run")
      }
    }
  }

  /// The report is written once, the disk fills, and the next report fails naming a file and
  /// the cause; the first report's files are unchanged and no partial file is left.
  @Test func aReportOnAFullDiskKeepsTheEarlierReport() throws {
    let run = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-output-run-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: run) }
    _ = try ReportCommandTests.runFolder(run)
    try withScratchMount(bytes: 4 * 1024 * 1024) { mount in
      let report = try #require(try Strata.parseAsRoot(["report", run, "--output-dir", mount.path])
                                  as? ReportCommand)
      try report.run()
      let html = try Data(contentsOf: URL(fileURLWithPath: mount.path + "/report.html"))
      mount.fill()
      let error = try #require(throws: ReportError.self) { try report.run() }
      print("FULLDISK report: \(error)")
      #expect(error.path.hasPrefix(mount.path + "/"), "\(error)")
      #expect(error.message.contains("No space left on device"), "\(error)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: mount.path + "/report.html")) == html)
      let left = FileManager.default.enumerator(atPath: mount.path)?.compactMap { $0 as? String }
        .filter { $0.hasSuffix(".partial") } ?? ["cannot list"]
      #expect(left.isEmpty, "\(left)")
    }
  }
}
