import Foundation
import Pipeline
import Recording
import Testing
@testable import StrataCommands

/// One writer per output, no output that is an input, no output that is a directory (issue 24,
/// cases 2, 3, 7, 8): each refused before any work, naming the file, with earlier results intact.
@Suite(.serialized) struct OutputClaimTests {
  /// A tiny Fashion-MNIST replay spec (3 tasks) in `directory`.
  static func spec(_ directory: String) throws -> String {
    try VerifyCommandTests.architecture.write(toFile: directory + "/tiny28.json",
                                              atomically: true, encoding: .utf8)
    let spec = directory + "/tiny.json"
    try VerifyCommandTests.spec(architecture: "tiny28.json")
      .replacingOccurrences(of: #""model_name": "memo""#, with: #""model_name": "replay""#)
      .write(toFile: spec, atomically: true, encoding: .utf8)
    return spec
  }

  /// A command refused before it wrote anything leaves no folder behind: `strata train` with a
  /// bad spec and `strata run` with a missing one, into folders that did not exist (both used
  /// to leave a folder holding only a lock file). A folder that existed stays.
  @Test func aRefusedCommandLeavesNoFolder() throws {
    try SplitCommandTests.withDirectory { directory in
      let bad = directory + "/bad.json"
      try #"{"model_name": "replay", "dataset": "fashion-mnist", "architecture": "resnet14", "batch_size": 0}"#
        .write(toFile: bad, atomically: true, encoding: .utf8)
      let (trained, trainLog) = try RunCommandTests.strata(["train", bad, "--output",
                                                            directory + "/new/out.h5"])
      #expect(trained != 0 && trainLog.contains("batch_size"), "\(trainLog)")
      #expect(!FileManager.default.fileExists(atPath: directory + "/new"))
      let (ran, runLog) = try RunCommandTests.strata(["run", directory + "/missing.json", "--out",
                                                      directory + "/run"])
      #expect(ran != 0 && runLog.contains("missing.json: cannot read: no such file"), "\(runLog)")
      #expect(!FileManager.default.fileExists(atPath: directory + "/run"))
      try FileManager.default.createDirectory(atPath: directory + "/kept",
                                              withIntermediateDirectories: true)
      _ = try RunCommandTests.strata(["run", directory + "/missing.json", "--out", directory + "/kept"])
      #expect(FileManager.default.fileExists(atPath: directory + "/kept"))
    }
  }

  /// A spec given where a probe file or a run folder belongs is named as such, not as a
  /// damaged HDF5 file or an uncreatable folder.
  @Test func aSpecWhereAFileOfResultsBelongsIsNamed() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.spec(directory)
      let (split, splitLog) = try RunCommandTests.strata(["split", spec])
      #expect(split != 0 && splitLog.contains(
        "\(spec): not a readable HDF5 file: no HDF5 signature (it starts with \"{"), "\(splitLog)")
      let (report, reportLog) = try RunCommandTests.strata(["report", spec])
      #expect(report != 0 && reportLog.contains("\(spec): a file, not a run folder"), "\(reportLog)")
    }
  }

  /// Starts `strata arguments`, waits until it holds the lock of `output`, and stops it
  /// (SIGSTOP) so that it holds the lock for as long as the test needs; nil if it never took one.
  static func holder(_ arguments: [String], output: String) throws -> Process? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try StrataExecutable.path())
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // OutputLock's file: a hidden sibling of the output.
    let url = URL(fileURLWithPath: output)
    let lock = url.deletingLastPathComponent().appendingPathComponent(
      "." + url.lastPathComponent + ".strata-lock").path
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning && Date() < deadline {
      if let text = try? String(contentsOfFile: lock, encoding: .utf8),
         text.hasPrefix("pid \(process.processIdentifier):")
      {
        kill(process.processIdentifier, SIGSTOP)
        return process
      }
      usleep(10_000)
    }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    return nil
  }

  static func resume(_ process: Process) -> Int32 {
    kill(process.processIdentifier, SIGCONT)
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Case 2: two `strata probe` into one --output at once: the second is refused naming the
  /// file and the first's pid; the first's file holds its tasks once each.
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func aSecondProbeIntoTheSameOutputIsRefused() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.spec(directory)
      let output = directory + "/probes.h5"
      let arguments = ["probe", spec, "--output", output, "--force", "--quiet"]
      guard let first = try Self.holder(arguments, output: output) else {
        Issue.record("the first probe run never locked \(output)")
        return
      }
      let (status, log) = try RunCommandTests.strata(arguments)
      let firstStatus = Self.resume(first)
      #expect(status == 1 && log.contains(output)
              && log.contains("pid \(first.processIdentifier)"), "exit \(status): \(log)")
      #expect(firstStatus == 0)
      #expect(try ProbeFile.open(output).read().tasks == [1, 2])
    }
  }

  /// Case 3: a second `strata train` with another checkpoint folder and the same --output is
  /// refused and creates nothing; the first run's record is complete.
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func aSecondTrainIntoTheSameOutputIsRefused() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.spec(directory)
      let output = directory + "/train.h5"
      guard let first = try Self.holder(
        ["train", spec, "--output", output, "--checkpoint-dir", directory + "/a", "--quiet"],
        output: output)
      else {
        Issue.record("the first training never locked \(output)")
        return
      }
      let (status, log) = try RunCommandTests.strata(
        ["train", spec, "--output", output, "--checkpoint-dir", directory + "/b", "--quiet"])
      let firstStatus = Self.resume(first)
      #expect(status == 1 && log.contains(output)
              && log.contains("pid \(first.processIdentifier)"), "exit \(status): \(log)")
      #expect(!FileManager.default.fileExists(atPath: directory + "/b"))
      #expect(firstStatus == 0)
      #expect(try TrainingRecord.read(output).cnn.tasksSeen == 3)
    }
  }

  static func refusal(_ arguments: [String]) -> String {
    do {
      var command = try Strata.parseAsRoot(arguments)
      try command.run()
      return "no refusal"
    } catch {
      return "\(error)"
    }
  }

  /// Case 7: `strata split DIR/split.h5 --output-dir DIR` (a probe file named split.h5) is
  /// refused and the probe file is unchanged.
  @Test func splitRefusesToReplaceItsInput() throws {
    try SplitCommandTests.withDirectory { directory in
      let probes = directory + "/split.h5"
      try VerifyCommandTests.probeFile(probes, spec: VerifyCommandTests.spec(architecture: "resnet20"))
      let before = try Data(contentsOf: URL(fileURLWithPath: probes))
      let message = Self.refusal(["split", probes, "--output-dir", directory])
      #expect(message.contains(probes) && message.contains("the output is the input"), "\(message)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: probes)) == before)
      #expect(!FileManager.default.fileExists(atPath: directory + "/split.json"))
    }
  }

  /// Case 7: `strata train spec.json --output spec.json --overwrite` is refused; the spec stays.
  @Test func trainRefusesToReplaceItsSpec() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.spec(directory)
      let before = try String(contentsOfFile: spec, encoding: .utf8)
      let message = Self.refusal(["train", spec, "--output", spec, "--overwrite", "--quiet"])
      #expect(message.contains(spec) && message.contains("the output is the input"), "\(message)")
      #expect(try String(contentsOfFile: spec, encoding: .utf8) == before)
    }
  }

  /// Case 8: an output that is a directory is refused before any data is read or any training.
  @Test func anOutputThatIsADirectoryIsRefusedFirst() throws {
    try SplitCommandTests.withDirectory { directory in
      // A spec whose data cannot load: any work past the output check would fail differently.
      let spec = directory + "/spec.json"
      try #"{"model_name": "replay", "dataset": "cifar10", "data_root": "/nonexistent"}"#
        .write(toFile: spec, atomically: true, encoding: .utf8)
      let folder = directory + "/out.h5"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for arguments in [["train", spec, "--output", folder, "--overwrite", "--quiet"],
                        ["probe", spec, "--output", folder, "--force", "--quiet"]] {
        let message = Self.refusal(arguments)
        #expect(message.contains(folder) && message.contains("the output is a directory"),
                "\(arguments[0]): \(message)")
      }
    }
  }
}
