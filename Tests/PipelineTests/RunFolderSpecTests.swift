import Data
import Foundation
import Pipeline
import Testing

/// `strata run --resume` continues the protocol its folder was started with: a spec edited since
/// is refused with the keys that changed (it used to be ignored without a word), except after a
/// first start that wrote nothing but run.json, whose copy is then replaced.
@Suite struct RunFolderSpecTests {
  static func spec(epochs: Int) -> String {
    #"{"model_name": "replay", "dataset": "fashion-mnist", "architecture": "resnet14", "#
      + #""init_cls": 2, "increment": 2, "epochs": \#(epochs), "seed": 1993}"#
  }

  /// A scratch folder with an empty `out/`; the spec's path and the pipeline into `out/`.
  static func withPipeline(_ body: (String, String, RunPipeline) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-runfolder-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory + "/out",
                                            withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = directory + "/spec.json"
    try body(directory, file, RunPipeline(.init(spec: file, directory: directory + "/out")))
  }

  @Test func anEditedSpecIsRefusedOnceTheRunHasStarted() throws {
    try Self.withPipeline { directory, file, pipeline in
      let kept = { try String(contentsOfFile: pipeline.runSpec, encoding: .utf8) }

      try Self.spec(epochs: 2).write(toFile: file, atomically: true, encoding: .utf8)
      try pipeline.prepare()
      #expect(try kept().contains(#""epochs" : 2"#))

      // Only run.json so far (a start that failed early): the edited spec replaces it.
      try Self.spec(epochs: 3).write(toFile: file, atomically: true, encoding: .utf8)
      try pipeline.prepare()
      #expect(try kept().contains(#""epochs" : 3"#))

      // Once a stage has written something, an edit is refused, naming the key; nothing changes.
      try FileManager.default.createDirectory(atPath: directory + "/out/probes.h5.seeds",
                                              withIntermediateDirectories: true)
      try Self.spec(epochs: 5).write(toFile: file, atomically: true, encoding: .utf8)
      let refusal = try #require(throws: StageRefusal.self) { try pipeline.prepare() }
      #expect(refusal.description.contains("differs from the spec this run started with"))
      #expect(refusal.description.contains(" in epochs: "), "\(refusal)")
      #expect(refusal.description.contains("delete \(directory)/out to start over"))
      #expect(try kept().contains(#""epochs" : 3"#))

      // The spec it started with continues.
      try Self.spec(epochs: 3).write(toFile: file, atomically: true, encoding: .utf8)
      try pipeline.prepare()
    }
  }

  /// Settings the verification at the end cannot run with stop the run before its probes
  /// (they used to surface after the probe and split stages), naming the user's spec.
  @Test(.enabled(if: FileManager.default.fileExists(
          atPath: IDXReader.defaultFashionMNISTDirectory.path)),
        arguments: [(#""verify_budgets": [0]"#, "fits no candidate"),
                    (#""verify_seeds": [1994, 1994]"#, "seed 1994 is given twice"),
                    (#""verify_seeds": [-3]"#, "seed -3 is not an integer from 0"),
                    (#""verify_seeds": []"#, "verify_seeds: a non-empty array of integers")])
  func verificationSettingsAreCheckedFirst(_ setting: String, _ message: String) throws {
    try Self.withPipeline { _, file, pipeline in
      try (#"{"model_name": "replay", "dataset": "fashion-mnist", "architecture": "resnet14", "#
        + #""init_cls": 2, "increment": 2, "train_per_class": 10, "test_per_class": 10, "#
        + #""memory_size": 20, "seed": 1993, "# + setting + "}")
        .write(toFile: file, atomically: true, encoding: .utf8)
      try pipeline.prepare()
      let error = try #require(throws: (any Error).self) { try pipeline.checkVerification() }
      #expect("\(error)".contains(message), "\(error)")
      #expect("\(error)".contains(file), "\(error)")
      // A spec without such settings passes.
      try #"{"model_name": "replay", "dataset": "fashion-mnist", "architecture": "resnet14", "init_cls": 2, "increment": 2, "train_per_class": 10, "test_per_class": 10, "memory_size": 20, "seed": 1993}"#
        .write(toFile: file, atomically: true, encoding: .utf8)
      try pipeline.prepare()
      try pipeline.checkVerification()
    }
  }
}
