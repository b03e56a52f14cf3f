import CIL
import Data
import Foundation
import NN
import StrataTestSupport
import Testing

@Suite struct RunSpecTests {
  static func decode(_ json: String) throws -> RunSpec {
    try RunSpec.decode(Data(json.utf8), file: "spec.json")
  }

  static func error(_ body: () throws -> Any) -> RunSpecError? {
    do {
      _ = try body()
      return nil
    } catch let error as RunSpecError {
      return error
    } catch {
      return nil
    }
  }

  /// An empty spec is PyCIL's exps/memo.json.
  @Test func defaultsAreMemoJSON() throws {
    let spec = try Self.decode("{}")
    #expect(spec.modelName == .memo && spec.dataset == "cifar100" && spec.architecture == "resnet32")
    #expect(spec.initialClasses == 10 && spec.increment == 10)
    #expect(spec.memorySize == 2000 && spec.memoryPerClass == 20 && !spec.fixedMemory)
    #expect(spec.initialEpochs == 200 && spec.initialLearningRate == 0.1)
    #expect(spec.initialMilestones == [60, 120, 170] && spec.initialWeightDecay == 5e-4)
    #expect(spec.epochs == 170 && spec.learningRate == 0.1 && spec.milestones == [80, 120, 150])
    #expect(spec.weightDecay == 2e-4 && spec.batchSize == 128 && spec.seed == 1993)
    #expect(spec.trainShared && spec.auxiliaryWeight == 1 && spec.warnings.isEmpty)
    #expect(spec.schedule(task: 0) == .multiStep(milestones: [60, 120, 170], gamma: 0.1))
    #expect(spec.schedule(task: 1) == .multiStep(milestones: [80, 120, 150], gamma: 0.1))
  }

  /// A PyCIL exps/memo.json as published is accepted; keys Strata does not use are warned about.
  @Test func acceptsAPyCILFile() throws {
    let spec = try Self.decode("""
      {"prefix": "benchmark", "dataset": "cifar100", "memory_size": 2000,
       "memory_per_class": 20, "fixed_memory": false, "shuffle": true, "init_cls": 50,
       "increment": 10, "model_name": "memo", "convnet_type": "memo_resnet32",
       "train_base": false, "train_adaptive": false, "debug": false, "skip": false,
       "device": ["0"], "seed": [1993, 1994], "scheduler": "steplr", "init_epoch": 200,
       "t_max": null, "init_lr": 0.1, "init_weight_decay": 5e-4, "init_lr_decay": 0.1,
       "init_milestones": [60, 120, 170], "milestones": [80, 120, 150], "epochs": 170,
       "lrate": 0.1, "batch_size": 128, "weight_decay": 2e-4, "lrate_decay": 0.1,
       "alpha_aux": 1.0}
      """)
    #expect(spec.initialClasses == 50 && spec.architecture == "resnet32" && !spec.trainShared)
    #expect(spec.seed == 1993)
    let keys = spec.warnings.map { String($0.prefix { $0 != ":" }) }
    #expect(keys == ["debug", "device", "prefix", "skip", "t_max", "train_adaptive", "seed"])
  }

  @Test func unknownMethodIsAnError() {
    let error = Self.error { try Self.decode(#"{"model_name": "lwf"}"#) }
    #expect(error?.key == "model_name")
    #expect(error?.message.contains("memo") == true)
  }

  @Test func wrongTypesAreErrors() {
    #expect(Self.error { try Self.decode(#"{"init_cls": "ten"}"#) }?.key == "init_cls")
    #expect(Self.error { try Self.decode(#"{"fixed_memory": 1}"#) }?.key == "fixed_memory")
    #expect(Self.error { try Self.decode(#"{"increment": 0}"#) }?.key == "increment")
    #expect(Self.error { try Self.decode(#"{"init_cls": 2.5}"#) }?.key == "init_cls")
    #expect(Self.error { try Self.decode("[1]") }?.key == "")
  }

  @Test func splitMustBeABlock() throws {
    let spec = try Self.decode(#"{"split": "stage3.block9", "architecture": "resnet32"}"#)
    let error = Self.error { try RunPlan(spec, classCount: 100, image: .cifar, file: "s.json") }
    #expect(error?.key == "split")
    #expect(error?.message.contains("legal splits") == true)
    let good = try RunPlan(try Self.decode(#"{"split": "stage2.block3"}"#), classCount: 100,
                           image: .cifar, file: "s.json")
    #expect(good.split == .at("stage2.block3"))
    let memo = try RunPlan(try Self.decode("{}"), classCount: 100, image: .cifar, file: "s.json")
    #expect(memo.split == .at("stage3.block1") && memo.memory == .total(2000))
    #expect(memo.stream.count == 10)
  }

  @Test func initialClassesBeyondTheClassCountIsAnError() throws {
    let spec = try Self.decode(#"{"init_cls": 11}"#)
    #expect(Self.error { try RunPlan(spec, classCount: 10, image: .cifar, file: "s.json") }?.key
      == "init_cls")
  }

  /// A budget below the model's own bytes is an error; DER:2000 leaves MEMO 3,312 exemplars on
  /// CIFAR-100 B0 Inc10 (DESIGN.md's example).
  @Test func budgetSmallerThanTheModelIsAnError() throws {
    let small = try Self.decode(#"{"memory_budget": 1000000}"#)
    let error = Self.error { try RunPlan(small, classCount: 100, image: .cifar, file: "s.json") }
    #expect(error?.key == "memory_budget")
    let aligned = try RunPlan(try Self.decode(#"{"memory_budget": "DER:2000"}"#),
                              classCount: 100, image: .cifar, file: "s.json")
    #expect(aligned.memory == .total(3312))
  }

  @Test func fixedMemoryAndFinetune() throws {
    let fixed = try RunPlan(try Self.decode(#"{"fixed_memory": true, "model_name": "replay"}"#),
                            classCount: 100, image: .cifar, file: "s.json")
    #expect(fixed.memory == .perClass(20) && fixed.split == .none)
    let finetune = try RunPlan(try Self.decode(#"{"model_name": "finetune", "split": "stem"}"#),
                               classCount: 100, image: .cifar, file: "s.json")
    #expect(finetune.memory == .none && finetune.warnings.count == 1)
    let der = try RunPlan(try Self.decode(#"{"model_name": "der"}"#), classCount: 100,
                          image: .cifar, file: "s.json")
    #expect(der.split == .at("stem"))
  }

  @Test func unknownArchitectureIsAnError() throws {
    let spec = try Self.decode(#"{"architecture": "resnet7"}"#)
    #expect(Self.error { try RunPlan(spec, classCount: 100, image: .cifar, file: "s.json") }?.key
      == "architecture")
  }

  /// A relative architecture path is found beside the spec, whatever the working directory.
  @Test func architectureBesideTheSpec() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-spec-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("arch"),
                                            withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try CustomArchitectureSpec.json(name: "beside").write(
      to: folder.appendingPathComponent("arch/net.json"), atomically: true, encoding: .utf8)
    let spec = try Self.decode(#"{"architecture": "arch/net.json", "split": "none", "init_cls": 2, "increment": 2}"#)
    let plan = try RunPlan(spec, classCount: 4, image: ImageShape(channels: 3, height: 8, width: 8),
                           file: folder.appendingPathComponent("run.json").path)
    #expect(plan.architecture.name == "beside")
    #expect(Self.error { try RunPlan(spec, classCount: 4, image: .cifar, file: "elsewhere/run.json") }?
      .key == "architecture")
  }

  /// A derived spec keeps every key, applies the overrides and makes relative paths absolute.
  @Test func derivedSpecs() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-derive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("arch"),
                                            withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try CustomArchitectureSpec.json(name: "n").write(
      to: folder.appendingPathComponent("arch/net.json"), atomically: true, encoding: .utf8)
    let file = folder.appendingPathComponent("run.json").path
    try #"{"architecture": "arch/net.json", "model_name": "replay", "device": ["0"], "seed": [1]}"#
      .write(toFile: file, atomically: true, encoding: .utf8)
    let data = try RunSpec.derive(from: file, overrides: ["model_name": "memo", "split": "stem",
                                                          "seed": 7])
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["architecture"] as? String == folder.appendingPathComponent("arch/net.json").path)
    #expect(json["model_name"] as? String == "memo" && json["split"] as? String == "stem")
    #expect(json["seed"] as? Int == 7 && json["device"] as? [String] == ["0"])
    let spec = try RunSpec.decode(data, file: "derived.json")
    #expect(spec.modelName == .memo && spec.seed == 7 && spec.warnings.count == 1)
    #expect(throws: RunSpecError.self) { try RunSpec.derive(from: folder.path + "/none.json", overrides: [:]) }
  }

  @Test func trainPerClass() throws {
    #expect(try Self.decode(#"{"train_per_class": 50}"#).trainPerClass == 50)
    #expect(try Self.decode(#"{"test_per_class": 7}"#).testPerClass == 7)
    #expect(try Self.decode("{}").trainPerClass == nil)
    #expect(Self.error { try Self.decode(#"{"train_per_class": 0}"#) }?.key == "train_per_class")
  }

  /// `image_size` (image folders' crop) is read, refused below 1, and survives the canonical
  /// JSON a checkpoint stores, so a resumed run crops as the first did.
  @Test func imageSize() throws {
    let spec = try Self.decode(#"{"dataset": "imagenet100", "image_size": 112}"#)
    #expect(spec.imageSize == 112 && spec.warnings.isEmpty)
    #expect(try Self.decode("{}").imageSize == nil)
    #expect(Self.error { try Self.decode(#"{"image_size": 0}"#) }?.key == "image_size")
    let again = try RunSpec.decode(Data(spec.canonicalJSON.utf8), file: "canonical.json")
    #expect(again.imageSize == 112 && again.trainsLike(spec))
  }
}
