import CIL
import Foundation
import HDF5
import NN
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline

/// The train stage with checkpoints (`strata train`): a run stopped between epochs continues
/// from its checkpoint file and ends with the record and final weights of an uninterrupted run;
/// earlier results are never replaced without being asked; a full disk stops the run at a
/// checkpoint it can resume from.
@Suite(.serialized) struct TrainStageTests {
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

  static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    try BarsFixture.withDirectory(body)
  }

  static func settings(_ output: String, resume: Bool = false, overwrite: Bool = false,
                       checkpointDirectory: String? = nil) -> TrainStage.Settings
  {
    var settings = TrainStage.Settings(output: output, checkpointDirectory: checkpointDirectory)
    settings.resume = resume
    settings.overwrite = overwrite
    return settings
  }

  /// Checks the files as `strata train` does, then trains on the generated bars; `observer`
  /// joins the learner.
  static func train(_ settings: TrainStage.Settings, observer: TrainingObserver? = nil) throws
    -> RunResult
  {
    try settings.checkFiles()
    return try TrainStage.run(plan: try BarsFixture.plan(spec), data: BarsFixture.data(),
                              specFile: "spec.json", specText: "{}", settings: settings,
                              commandLine: "strata train spec.json", configure: { run in
      run.learner.prefetchesBatches = false
      if let observer { run.learner.observers.append(observer) }
    })
  }

  static func refusal(_ settings: TrainStage.Settings) -> String {
    do {
      try settings.checkFiles()
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
    try Self.withDirectory { directory in
      let a = directory.appendingPathComponent("a.h5").path
      let b = directory.appendingPathComponent("b.h5").path
      _ = try Self.train(Self.settings(a))

      #expect(throws: Stop.self) { _ = try Self.train(Self.settings(b), observer: Stopper()) }
      let checkpoint = directory.appendingPathComponent("b.checkpoints/checkpoint.h5").path
      let (_, stopped) = try RunCheckpointFile.read(checkpoint)
      #expect(stopped.position == RunPosition(task: 1, epochsCompleted: 1, taskComplete: false))
      #expect(!FileManager.default.fileExists(atPath: b))
      #expect(Self.refusal(Self.settings(b)).contains("--resume continues"))

      _ = try Self.train(Self.settings(b, resume: true))
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
    try Self.withDirectory { directory in
      let output = directory.appendingPathComponent("run.h5").path
      try Data("earlier".utf8).write(to: URL(fileURLWithPath: output))
      #expect(Self.refusal(Self.settings(output))
        == "\(output) exists; --resume continues that run from "
        + "\(directory.path)/run.checkpoints/checkpoint.h5, --overwrite starts over and replaces it")
      #expect(Self.refusal(Self.settings(output, resume: true))
        == "\(directory.path)/run.checkpoints/checkpoint.h5: no checkpoint to resume from; run "
        + "without --resume to start")
      #expect(Self.refusal(Self.settings(output, resume: true, overwrite: true)).contains("pick one"))
      #expect(Self.refusal(Self.settings(output, overwrite: true)) == "no refusal")
      #expect(try String(contentsOfFile: output, encoding: .utf8) == "earlier")
      // A per-task checkpoint alone is an earlier result too.
      let other = directory.appendingPathComponent("other.h5").path
      let folder = directory.appendingPathComponent("other.checkpoints")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data().write(to: folder.appendingPathComponent("task3.h5"))
      try Data().write(to: folder.appendingPathComponent("notes.txt"))
      #expect(Self.settings(other).checkpointFiles() == [folder.path + "/task3.h5"])
      #expect(Self.refusal(Self.settings(other)).hasPrefix(folder.path + "/task3.h5 exists"))
    }
  }

  @Test func checkpointDirectoryDefaultsNextToTheOutput() {
    #expect(Self.settings("/runs/memo.h5").checkpointDirectory == "/runs/memo.checkpoints")
    #expect(Self.settings("/runs/memo").checkpointDirectory == "/runs/memo.checkpoints")
    #expect(Self.settings("out", checkpointDirectory: "/c").latestCheckpoint == "/c/checkpoint.h5")
  }

  /// The warning for a resume under another thread count says what it can change (issue 24,
  /// case 9): not "the last bits" but a run that moves, once by a point of average accuracy.
  @Test func aChangedThreadCountWarnsOfMoreThanRounding() {
    let warning = TrainStage.threadWarning(written: 4, current: 2)
    #expect(warning.contains("written with 4 threads, this process has 2"))
    #expect(warning.contains("not be bit-identical") && warning.contains("beyond rounding")
            && warning.contains("average accuracy by a point"))
    #expect(warning.contains("OMP_NUM_THREADS=4") && !warning.contains("last bits"))
  }

  /// Fills the disk at the end of task 1's first epoch.
  final class DiskFiller: TrainingObserver {
    let mount: ScratchMount
    init(_ mount: ScratchMount) { self.mount = mount }
    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      if report.task == 1 && report.epoch == 0 { mount.fill() }
    }
  }

  /// A training run whose disk fills stops at the next checkpoint with the file and the cause
  /// named; the last checkpoint stays readable, and once there is room a resume ends with the
  /// record of an uninterrupted run (issue 11).
  @Test func aTrainingRunOnAFullDiskStopsAndResumes() throws {
    try Self.withDirectory { directory in
      let reference = directory.appendingPathComponent("reference.h5").path
      _ = try Self.train(Self.settings(reference))
      try withScratchMount(bytes: 4 * 1024 * 1024) { mount in
        let output = mount.path + "/run.h5"
        let error = try #require(throws: RecordingError.self) {
          _ = try Self.train(Self.settings(output), observer: DiskFiller(mount))
        }
        print("FULLDISK train: \(error)")
        let checkpoint = mount.path + "/run.checkpoints/checkpoint.h5"
        #expect(error.path == checkpoint, "\(error)")
        #expect(error.message.contains("No space left on device; the earlier file is unchanged"))
        #expect(!FileManager.default.fileExists(atPath: checkpoint + ".partial"))
        #expect(try RunCheckpointFile.read(checkpoint).checkpoint.position.task == 1)
        #expect(!FileManager.default.fileExists(atPath: output))

        try FileManager.default.removeItem(atPath: mount.path + "/filler")
        _ = try Self.train(Self.settings(output, resume: true))
        #expect(try Self.record(output) == Self.record(reference))
      }
    }
  }
}
