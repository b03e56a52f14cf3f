import CIL
import Foundation
import HDF5
import NN
import Recording
import Testing
@testable import StrataCommands

/// `strata train --resume`: a run stopped between epochs continues from its checkpoint file and
/// ends with the record and final weights of an uninterrupted run; earlier results are never
/// replaced without being asked.
@Suite(.serialized) struct TrainResumeTests {
  struct Stop: Error {}

  final class Stopper: TrainingObserver {
    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      if report.task == 1 && report.epoch == 0 { throw Stop() }
    }
  }

  static let spec: RunSpec = {
    var spec = RunSpec()
    spec.modelName = .memo
    spec.split = "stage2.block1"
    (spec.initialClasses, spec.increment, spec.memorySize) = (2, 2, 8)
    (spec.initialEpochs, spec.epochs, spec.batchSize, spec.seed) = (2, 3, 16, 4)
    return spec
  }()

  static func command(_ arguments: [String]) throws -> TrainCommand {
    try TrainCommandTests.command(["spec.json"] + arguments)
  }

  /// Checks the files as `run()` does, then trains on the generated bars.
  static func train(_ command: TrainCommand, stop: Bool = false) throws -> RunResult {
    try command.checkFiles()
    return try command.train(plan: try TrainCommandTests.barsPlan(spec),
                             data: TrainCommandTests.bars(), specText: "{}") { run in
      run.learner.prefetchesBatches = false
      if stop { run.learner.observers.append(Stopper()) }
    }
  }

  static func refusal(_ command: TrainCommand) -> String {
    do {
      try command.checkFiles()
      return "no refusal"
    } catch {
      return "\(error)"
    }
  }

  /// The record's accuracies as bit patterns.
  static func record(_ path: String) throws -> [[UInt64]] {
    let root = try HDF5File.open(path).root
    return try ["accuracy_cnn", "accuracy_cnn_total", "accuracy_nme", "accuracy_nme_total"].map {
      try root.openDataset($0).read(Double.self).map(\.bitPattern)
    }
  }

  @Test func killedAndResumedEqualsUninterrupted() throws {
    try TrainCommandTests.withDirectory { directory in
      let a = directory.appendingPathComponent("a.h5").path
      let b = directory.appendingPathComponent("b.h5").path
      _ = try Self.train(try Self.command(["--output", a]))

      #expect(throws: Stop.self) { _ = try Self.train(try Self.command(["--output", b]), stop: true) }
      let checkpoint = directory.appendingPathComponent("b.checkpoints/checkpoint.h5").path
      let (_, stopped) = try RunCheckpointFile.read(checkpoint)
      #expect(stopped.position == RunPosition(task: 1, epochsCompleted: 1, taskComplete: false))
      #expect(!FileManager.default.fileExists(atPath: b))
      #expect(Self.refusal(try Self.command(["--output", b])).contains("--resume continues"))

      _ = try Self.train(try Self.command(["--output", b, "--resume"]))
      #expect(try Self.record(b) == Self.record(a))
      let final = { (name: String) in
        try RunCheckpointFile.read(directory.appendingPathComponent("\(name).checkpoints/task1.h5").path)
          .checkpoint
      }
      let (ours, reference) = (try final("b"), try final("a"))
      #expect(ours.network.isBitwiseEqual(to: reference.network))
      #expect(ours.memory == reference.memory)
      #expect(ours.position == RunPosition(task: 1, epochsCompleted: 3, taskComplete: true))
      // Both per-task checkpoints are there, and the latest is the last task's end.
      #expect(try RunCheckpointFile.read(checkpoint).checkpoint.position == ours.position)
      #expect(FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("b.checkpoints/task0.h5").path))
    }
  }

  @Test func earlierResultsAreNotReplacedSilently() throws {
    try TrainCommandTests.withDirectory { directory in
      let output = directory.appendingPathComponent("run.h5").path
      try Data("earlier".utf8).write(to: URL(fileURLWithPath: output))
      #expect(Self.refusal(try Self.command(["--output", output]))
        == "\(output) exists; --resume continues that run from "
        + "\(directory.path)/run.checkpoints/checkpoint.h5, --overwrite starts over and replaces it")
      #expect(Self.refusal(try Self.command(["--output", output, "--resume"]))
        == "\(directory.path)/run.checkpoints/checkpoint.h5: no checkpoint to resume from; run "
        + "without --resume to start")
      #expect(Self.refusal(try Self.command(["--output", output, "--resume", "--overwrite"]))
        .contains("pick one"))
      #expect(Self.refusal(try Self.command(["--output", output, "--overwrite"])) == "no refusal")
      #expect(try String(contentsOfFile: output, encoding: .utf8) == "earlier")
      // A per-task checkpoint alone is an earlier result too.
      let other = directory.appendingPathComponent("other.h5").path
      let folder = directory.appendingPathComponent("other.checkpoints")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data().write(to: folder.appendingPathComponent("task3.h5"))
      try Data().write(to: folder.appendingPathComponent("notes.txt"))
      #expect(try Self.command(["--output", other]).checkpointFiles() == [folder.path + "/task3.h5"])
      #expect(Self.refusal(try Self.command(["--output", other]))
        .hasPrefix(folder.path + "/task3.h5 exists"))
    }
  }

  @Test func checkpointDirectoryDefaultsNextToTheOutput() throws {
    #expect(try Self.command(["--output", "/runs/memo.h5"]).checkpointDirectory
      == "/runs/memo.checkpoints")
    #expect(try Self.command(["--output", "out", "--checkpoint-dir", "/c"]).latestCheckpoint
      == "/c/checkpoint.h5")
  }
}
