import CIL
import Recording
import Data
import Foundation
import HDF5
import NN
import Tensor
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// `strata train`: bad specs fail before training; a run's record is a netCDF-style HDF5 file.
@Suite struct TrainCommandTests {
  static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    try BarsFixture.withDirectory(body)
  }

  static func command(_ arguments: [String]) throws -> TrainCommand {
    try #require(try Strata.parseAsRoot(["train"] + arguments) as? TrainCommand)
  }

  /// The spec's error, from `prepare` (data and checks, no training).
  static func prepareError(_ json: String) throws -> RunSpecError? {
    try withDirectory { directory in
      let path = directory.appendingPathComponent("spec.json").path
      try json.write(toFile: path, atomically: true, encoding: .utf8)
      do {
        _ = try command([path]).prepare()
        return nil
      } catch let error as RunSpecError {
        #expect(error.file == path)
        return error
      }
    }
  }

  @Test func parses() throws {
    let command = try Self.command(["run.json", "--output", "out.h5", "--data-root", "/data"])
    #expect(command.spec == "run.json" && command.output == "out.h5" && command.dataRoot == "/data")
  }

  /// The options become the train stage's settings (its file rules: TrainStageTests).
  @Test func optionsBecomeTheStageSettings() throws {
    let settings = try Self.command(["spec.json", "--output", "/runs/memo.h5", "--resume",
                                     "--task0-dir", "/t"]).settings
    #expect(settings.checkpointDirectory == "/runs/memo.checkpoints" && settings.resume
            && !settings.overwrite && settings.taskZeroDirectory == "/t")
    #expect(try Self.command(["spec.json", "--output", "out", "--checkpoint-dir", "/c"]).settings
      .latestCheckpoint == "/c/checkpoint.h5")
  }

  @Test func badSpecsFailBeforeTraining() throws {
    #expect(try Self.prepareError(#"{"model_name": "gem"}"#)?.key == "model_name")
    #expect(try Self.prepareError(#"{"dataset": "mnist"}"#)?.key == "dataset")
    #expect(try Self.prepareError(#"{"dataset": "cifar100"}"#)?.key == "data_root")
  }

  static var hasFashionMNIST: Bool {
    FileManager.default.fileExists(atPath: IDXReader.defaultFashionMNISTDirectory.path)
  }

  @Test(.enabled(if: hasFashionMNIST))
  func fashionMNISTChecks() throws {
    #expect(try Self.prepareError(#"{"dataset": "fashion-mnist", "init_cls": 11}"#)?.key
      == "init_cls")
    #expect(try Self.prepareError(
      #"{"dataset": "fashion-mnist", "model_name": "memo", "split": "stage9.block1"}"#)?.key
      == "split")
    #expect(try Self.prepareError(
      #"{"dataset": "fashion-mnist", "init_cls": 2, "increment": 2, "memory_budget": 100}"#)?.key
      == "memory_budget")
  }

  /// A Replay run on generated 8×8 images, written and read back: values, dimension scales,
  /// attributes.
  @Test func recordsARun() throws {
    let data = BarsFixture.data()
    var spec = RunSpec()
    spec.modelName = .replay
    (spec.initialClasses, spec.increment, spec.memorySize) = (2, 2, 8)
    (spec.initialEpochs, spec.epochs, spec.batchSize) = (1, 1, 16)
    let plan = try BarsFixture.plan(spec)
    let run = try ClassIncrementalRun(plan: plan, data: data, context: try ComputeContext.shared())
    run.learner.prefetchesBatches = false
    let result = try run.run()
    try Self.withDirectory { directory in
      let path = directory.appendingPathComponent("run.h5").path
      try TrainingRecord.write(result, plan: plan, provenance: Provenance(
          strataVersion: StrataVersion.string, gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
      let file = try HDF5File.open(path)
      let root = file.root
      let cnn = try root.openDataset("accuracy_cnn")
      #expect(try cnn.dimensionNames() == ["task", "task_seen"])
      #expect(try cnn.dimensionScales(dimension: 1) == [DimensionScale(path: "/task_seen",
                                                                       name: "task_seen")])
      let values: [Double] = try cnn.read()
      #expect(values.count == 4 && values[1].isNaN && !values[0].isNaN)
      #expect(Array(values[2...]) == result.cnn.values[1])
      #expect(try root.openDataset("accuracy_nme_total").read(Double.self) == result.nme!.total)
      #expect(try root.openDataset("exemplars").read(Int.self) == [8, 8])
      #expect(try root.openDataset("exemplar_bytes").read(Int.self) == [512, 512])
      #expect(try root.openDataset("task").read(Int32.self) == [0, 1])
      #expect(try cnn.attributes.read("units", as: String.self) == "1")
      #expect(try file.attributes.read("method", as: String.self) == "replay")
      #expect(try file.attributes.read("cnn_last_accuracy", as: Double.self)
        == result.cnn.lastAccuracy)
    }
  }
}
