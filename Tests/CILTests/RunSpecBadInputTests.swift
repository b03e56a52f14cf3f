import CIL
import Data
import Foundation
import NN
import StrataTestSupport
import Testing

/// Malformed run specs (issue 11): each fails before any training with a `RunSpecError` naming
/// the spec file and the key (or, for broken JSON, the line and column).
@Suite struct RunSpecBadInputTests {
  /// How far a case goes: decoding the file, planning it for 10 classes of 28×28×1 images, or
  /// loading its data set.
  enum Stage: Sendable { case decode, plan, data }

  struct BadSpec: Sendable, CustomTestStringConvertible {
    let label: String
    /// The key the error names; empty for the whole file.
    let key: String
    let mentions: [String]
    let json: String
    let stage: Stage

    init(_ label: String, key: String, _ mentions: [String], _ json: String,
         stage: Stage = .decode)
    {
      self.label = label
      self.key = key
      self.mentions = mentions
      self.json = json
      self.stage = stage
    }

    var testDescription: String { label }
  }

  static let cases: [BadSpec] = [
    BadSpec("JSON with a missing value", key: "", ["not valid JSON: line 2, column 15"],
            "{\"init_cls\": 10,\n \"increment\": }"),
    BadSpec("JSON cut short", key: "", ["not valid JSON: line 1, column 16 (end of file)"],
            "{\"init_cls\": 10"),
    BadSpec("a list, not an object", key: "", ["a run spec is a JSON object"], "[1]"),
    BadSpec("unknown method", key: "model_name", ["unknown method \"memo2\"", "finetune"],
            #"{"model_name": "memo2"}"#),
    BadSpec("text for init_cls", key: "init_cls", ["expected an integer, got \"ten\""],
            #"{"init_cls": "ten"}"#),
    BadSpec("fractional init_cls", key: "init_cls", ["expected an integer, got 2.5"],
            #"{"init_cls": 2.5}"#),
    BadSpec("zero increment", key: "increment", ["expected an integer ≥ 1, got 0"],
            #"{"increment": 0}"#),
    BadSpec("negative memory_size", key: "memory_size", ["an integer ≥ 0, got -1"],
            #"{"memory_size": -1}"#),
    BadSpec("negative batch_size", key: "batch_size", ["an integer ≥ 1, got -128"],
            #"{"batch_size": -128}"#),
    // NSNumber's intValue of 1e19 is Int.min: it must not become a count silently.
    BadSpec("epochs beyond 2^53", key: "epochs", ["expected an integer, got 1e+19"],
            #"{"epochs": 1e19}"#),
    BadSpec("1 for a flag", key: "fixed_memory", ["expected true or false, got 1"],
            #"{"fixed_memory": 1}"#),
    BadSpec("negative learning rate", key: "lrate", ["expected a number ≥ 0, got -0.1"],
            #"{"lrate": -0.1}"#),
    BadSpec("zero temperature", key: "T", ["expected a number > 0, got 0"], #"{"T": 0}"#),
    BadSpec("fractional milestone", key: "milestones[1]", ["an integer ≥ 0, got 1.5"],
            #"{"milestones": [80, 1.5]}"#),
    BadSpec("negative milestone", key: "init_milestones[0]", ["an integer ≥ 0, got -60"],
            #"{"init_milestones": [-60, 120]}"#),
    BadSpec("milestones that are a number", key: "milestones", ["a list of integers ≥ 0, got 80"],
            #"{"milestones": 80}"#),
    BadSpec("negative seed", key: "seed", ["0 to 4294967295", "got -1"], #"{"seed": -1}"#),
    BadSpec("seed beyond numpy's range", key: "seed", ["got [4294967296]"],
            #"{"seed": [4294967296]}"#),
    BadSpec("seed list of text", key: "seed", ["got [\"a\"]"], #"{"seed": ["a"]}"#),
    BadSpec("unparsable memory budget", key: "memory_budget",
            ["a number of bytes or \"DER:<exemplars>\", got \"DER:x\""],
            #"{"memory_budget": "DER:x"}"#),
    BadSpec("unknown scheduler", key: "scheduler", ["\"linear\" is neither steplr nor cosine"],
            #"{"scheduler": "linear"}"#),
    BadSpec("number for the split", key: "split", ["expected a string, got 3"], #"{"split": 3}"#),
    BadSpec("init_cls beyond the classes", key: "init_cls",
            ["20 initial classes, but cifar100 has only 10"], #"{"init_cls": 20}"#, stage: .plan),
    BadSpec("split that is no block", key: "split", ["\"stage3.block9\" is not a block"],
            #"{"split": "stage3.block9"}"#, stage: .plan),
    BadSpec("budget smaller than the model", key: "memory_budget",
            ["a budget of 1000 bytes is smaller than the model"],
            #"{"memory_budget": 1000}"#, stage: .plan),
    BadSpec("architecture file missing", key: "architecture",
            ["neither a built-in architecture", "nor an existing spec file"],
            #"{"architecture": "nets/none.json"}"#, stage: .plan),
    BadSpec("architecture file with a zero stride", key: "architecture",
            ["net.json: stages[1].stride: stage2's stride must be at least 1, got 0"],
            #"{"architecture": "net.json"}"#, stage: .plan),
    BadSpec("unknown data set", key: "dataset", ["unknown data set \"mnist\""],
            #"{"dataset": "mnist"}"#, stage: .data),
    BadSpec("CIFAR without data_root", key: "data_root", ["cifar10 needs data_root"],
            #"{"dataset": "cifar10"}"#, stage: .data),
    BadSpec("data_root that does not exist", key: "data_root", ["/nonexistent/cifar: no such folder"],
            #"{"dataset": "cifar10", "data_root": "/nonexistent/cifar"}"#, stage: .data),
    BadSpec("data_root that is a file", key: "data_root", ["net.json: not a folder"],
            #"{"dataset": "fashion-mnist", "data_root": "net.json"}"#, stage: .data),
    BadSpec("image_size for CIFAR", key: "image_size", ["image_size (64) applies to imagenet100"],
            #"{"dataset": "cifar100", "data_root": ".", "image_size": 64}"#, stage: .data),
  ]

  @Test(arguments: cases)
  func malformedSpec(_ c: BadSpec) throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-spec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("spec.json").path
    try Data(c.json.utf8).write(to: URL(fileURLWithPath: path))
    var net = try #require(try JSONSerialization.jsonObject(
      with: Data(CustomArchitectureSpec.json(name: "net").utf8)) as? [String: Any])
    var stages = try #require(net["stages"] as? [[String: Any]])
    stages[1]["stride"] = 0
    net["stages"] = stages
    try JSONSerialization.data(withJSONObject: net)
      .write(to: folder.appendingPathComponent("net.json"))

    let error = try #require(throws: RunSpecError.self) {
      let spec = try RunSpec.load(path)
      switch c.stage {
      case .decode: break
      case .plan:
        _ = try RunPlan(spec, classCount: 10, image: ImageShape(channels: 1, height: 28, width: 28),
                        file: path)
      case .data: _ = try spec.loadDataset(file: path)
      }
    }
    print("BADINPUT \(c.label): \(error)")
    #expect(error.file == path)
    #expect(error.key == c.key, "\(error)")
    #expect(error.description.hasPrefix(c.key.isEmpty ? path + ": " : "\(path): \(c.key): "),
            "\(error)")
    for fragment in c.mentions {
      #expect(error.message.contains(fragment), "\(error) lacks \(fragment)")
    }
  }

  @Test func missingSpecFile() throws {
    let error = try #require(throws: RunSpecError.self) {
      try RunSpec.load("/nonexistent/strata/spec.json")
    }
    #expect(error.file == "/nonexistent/strata/spec.json" && error.key.isEmpty)
    #expect(error.message == "cannot read: no such file", "\(error)")
    let folder = try #require(throws: RunSpecError.self) { try RunSpec.load("/tmp") }
    #expect(folder.description == "/tmp: cannot read: a folder, not a file")
  }

  /// PyCIL files carry keys Strata does not use: a warning names each, and a misspelt key gets
  /// the key it most likely meant when that key is there too.
  @Test func unknownKeysAreWarnedAbout() throws {
    let spec = try RunSpec.decode(
      Data(#"{"init_epochs": 5, "init_epoch": 3, "device": ["0"], "optimizer": "sgd", "lrate_deacy": 0.5, "lrate_decay": 0.1}"#.utf8),
      file: "spec.json")
    #expect(spec.initialEpochs == 3)
    #expect(spec.warnings == [
      "device: ignored (no effect in Strata)",
      "init_epochs: not supported, ignored; did you mean init_epoch?",
      "lrate_deacy: not supported, ignored; did you mean lrate_decay?",
      "optimizer: not supported, ignored",
    ])
  }

  /// A misspelt key whose meant key is absent is an error: the setting would otherwise keep
  /// PyCIL's default without a word beyond a warning (`init_epochs` → 200 epochs for task 0).
  @Test func aMisspeltKeyAloneIsAnError() throws {
    let error = try #require(throws: RunSpecError.self) {
      try RunSpec.decode(Data(#"{"init_epochs": 5, "device": ["0"]}"#.utf8), file: "spec.json")
    }
    #expect(error.file == "spec.json" && error.key == "init_epochs")
    #expect(error.message == "not a key Strata reads; did you mean init_epoch? Without it, "
      + "init_epoch would take its default", "\(error)")
  }
}
