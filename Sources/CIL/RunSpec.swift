import Foundation
import NN

/// One class-incremental training run, as a JSON spec whose keys follow PyCIL's `exps/*.json`
/// where they overlap; defaults are PyCIL's `exps/memo.json` (CIFAR-100 B0 Inc10, ResNet-32,
/// 2,000 exemplars, 200 + 170 epochs). A PyCIL file is accepted as it is: keys Strata does not
/// support are listed in `warnings`, never silently dropped.
///
/// Strata's own keys: `architecture` (a built-in name or an architecture spec file; overrides
/// `convnet_type`), `split` (MEMO's first specialized block, default the first block of the last
/// stage: `stage3.block1` for ResNet-32), `train_shared` (alias of PyCIL's `train_base`),
/// `memory_budget` (a total budget in bytes, or `DER:<exemplars>`, that the memory ledger turns
/// into exemplars after the model's bytes), `data_root`, `T` (iCaRL's temperature),
/// `train_per_class` and `test_per_class` (keep only the first N training or test images of
/// each class, for quick runs), `image_size` (the crop side of an image-folder data set, 224 by
/// default).
public struct RunSpec: Sendable, Equatable {
  public var modelName: LearnerKind = .memo
  public var dataset = "cifar100"
  public var dataRoot: String?
  /// At most this many training images per class (the first in file order); nil keeps all.
  public var trainPerClass: Int?
  /// At most this many test images per class; nil keeps all (the accuracies papers report).
  public var testPerClass: Int?
  /// Image folders: the side of the model's square input (RandomResizedCrop / CenterCrop);
  /// nil is the reference 224.
  public var imageSize: Int?
  /// A built-in architecture or an architecture spec file.
  public var architecture = "resnet32"
  public var split: String?
  public var initialClasses = 10
  public var increment = 10
  public var memorySize = 2000
  public var memoryPerClass = 20
  public var fixedMemory = false
  public var memoryBudget: MemoryLedger.Budget?
  public var shuffle = true
  public var seed = 1993
  public var initialEpochs = 200
  public var initialLearningRate = 0.1
  public var initialMilestones = [60, 120, 170]
  public var initialWeightDecay = 5e-4
  public var initialLearningRateDecay = 0.1
  public var epochs = 170
  public var learningRate = 0.1
  public var milestones = [80, 120, 150]
  public var weightDecay = 2e-4
  public var learningRateDecay = 0.1
  public var batchSize = 128
  /// `steplr` (MultiStepLR) or `cosine`.
  public var scheduler = "steplr"
  /// MEMO: the shared blocks keep training in later tasks.
  public var trainShared = true
  /// MEMO/DER: weight of the auxiliary loss.
  public var auxiliaryWeight = 1.0
  /// iCaRL: distillation temperature.
  public var temperature = 2.0
  /// Keys of the file Strata does not use, with why.
  public var warnings: [String] = []

  public init() {}

  /// Keys read and used.
  static let supported: Set<String> = [
    "model_name", "dataset", "data_root", "architecture", "convnet_type", "split", "init_cls",
    "increment", "memory_size", "memory_per_class", "fixed_memory", "memory_budget", "shuffle",
    "seed", "init_epoch", "init_lr", "init_milestones", "init_weight_decay", "init_lr_decay",
    "epochs", "lrate", "milestones", "weight_decay", "lrate_decay", "batch_size", "scheduler",
    "train_base", "train_shared", "alpha_aux", "T", "train_per_class",
    "test_per_class", "image_size",
  ]

  /// PyCIL keys without an effect here (devices, logging, resuming PyCIL's own checkpoints).
  static let ignored: Set<String> = ["prefix", "device", "debug", "skip", "num_workers"]

  /// Reads the spec at `path`.
  public static func load(_ path: String) throws(RunSpecError) -> RunSpec {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw RunSpecError(file: path, key: "", message: "cannot read: \(error.localizedDescription)")
    }
    return try decode(data, file: path)
  }

  /// Decodes a spec; `file` names it in errors.
  public static func decode(_ data: Data, file: String) throws(RunSpecError) -> RunSpec {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw RunSpecError(file: file, key: "", message: "not valid JSON: \(error.localizedDescription)")
    }
    guard let json = object as? [String: Any] else {
      throw RunSpecError(file: file, key: "", message: "a run spec is a JSON object")
    }
    var reader = RunSpecReader(json: json, file: file)
    var spec = RunSpec()
    if let name = try reader.string("model_name") {
      guard let kind = LearnerKind(rawValue: name.lowercased()) else {
        throw RunSpecError(file: file, key: "model_name", message:
          "unknown method \"\(name)\"; Strata trains "
            + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
      }
      spec.modelName = kind
    }
    spec.dataset = try reader.string("dataset") ?? spec.dataset
    spec.dataRoot = try reader.string("data_root")
    spec.trainPerClass = try reader.int("train_per_class", minimum: 1)
    spec.testPerClass = try reader.int("test_per_class", minimum: 1)
    spec.imageSize = try reader.int("image_size", minimum: 1)
    if let convnet = try reader.string("convnet_type") {
      // PyCIL names MEMO's and DER's backbones memo_resnet32, and cosine classifiers cosine_….
      var name = convnet
      for prefix in ["memo_", "cosine_"] where name.hasPrefix(prefix) {
        name.removeFirst(prefix.count)
      }
      spec.architecture = name
    }
    spec.architecture = try reader.string("architecture") ?? spec.architecture
    spec.split = try reader.string("split")
    spec.initialClasses = try reader.int("init_cls", minimum: 1) ?? spec.initialClasses
    spec.increment = try reader.int("increment", minimum: 1) ?? spec.increment
    spec.memorySize = try reader.int("memory_size", minimum: 0) ?? spec.memorySize
    spec.memoryPerClass = try reader.int("memory_per_class", minimum: 0) ?? spec.memoryPerClass
    spec.fixedMemory = try reader.bool("fixed_memory") ?? spec.fixedMemory
    spec.memoryBudget = try reader.budget("memory_budget")
    spec.shuffle = try reader.bool("shuffle") ?? spec.shuffle
    spec.seed = try reader.seed() ?? spec.seed
    spec.initialEpochs = try reader.int("init_epoch", minimum: 0) ?? spec.initialEpochs
    spec.initialLearningRate = try reader.double("init_lr") ?? spec.initialLearningRate
    spec.initialMilestones = try reader.ints("init_milestones") ?? spec.initialMilestones
    spec.initialWeightDecay = try reader.double("init_weight_decay") ?? spec.initialWeightDecay
    spec.initialLearningRateDecay = try reader.double("init_lr_decay")
      ?? spec.initialLearningRateDecay
    spec.epochs = try reader.int("epochs", minimum: 0) ?? spec.epochs
    spec.learningRate = try reader.double("lrate") ?? spec.learningRate
    spec.milestones = try reader.ints("milestones") ?? spec.milestones
    spec.weightDecay = try reader.double("weight_decay") ?? spec.weightDecay
    spec.learningRateDecay = try reader.double("lrate_decay") ?? spec.learningRateDecay
    spec.batchSize = try reader.int("batch_size", minimum: 1) ?? spec.batchSize
    if let scheduler = try reader.string("scheduler") {
      guard ["steplr", "cosine"].contains(scheduler) else {
        throw RunSpecError(file: file, key: "scheduler",
                           message: "\"\(scheduler)\" is neither steplr nor cosine")
      }
      spec.scheduler = scheduler
    }
    spec.trainShared = try reader.bool("train_base") ?? spec.trainShared
    spec.trainShared = try reader.bool("train_shared") ?? spec.trainShared
    spec.auxiliaryWeight = try reader.double("alpha_aux") ?? spec.auxiliaryWeight
    spec.temperature = try reader.double("T") ?? spec.temperature

    for key in json.keys.sorted() where !supported.contains(key) {
      spec.warnings.append(ignored.contains(key)
        ? "\(key): ignored (no effect in Strata)" : "\(key): not supported, ignored")
    }
    if json["train_adaptive"] as? Bool == true {
      spec.warnings.append("train_adaptive: MEMO's adaptive-extractor training is not supported")
    }
    spec.warnings += reader.warnings
    return spec
  }

  /// The number of epochs task `task` trains (`init_epoch` for the first, `epochs` after).
  public func trainingEpochs(task: Int) -> Int { task == 0 ? initialEpochs : epochs }

  /// The learning-rate schedule of task `task` (0 = the first task).
  public func schedule(task: Int) -> LearningRateSchedule {
    let first = task == 0
    if scheduler == "cosine" {
      return .cosine(epochs: max(1, first ? initialEpochs : epochs), minimum: 0)
    }
    return .multiStep(milestones: first ? initialMilestones : milestones,
                      gamma: first ? initialLearningRateDecay : learningRateDecay)
  }
}

/// Typed reads of a spec's keys, each error naming the key.
struct RunSpecReader {
  let json: [String: Any]
  let file: String
  var warnings: [String] = []

  private func error(_ key: String, _ expected: String) -> RunSpecError {
    RunSpecError(file: file, key: key, message: "expected \(expected), got \(json[key]!)")
  }

  private func present(_ key: String) -> Any? {
    guard let value = json[key], !(value is NSNull) else { return nil }
    return value
  }

  /// JSONSerialization gives true/false as NSNumber too; their type code is `c` (char).
  private func isBool(_ value: Any) -> Bool {
    (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
  }

  func string(_ key: String) throws(RunSpecError) -> String? {
    guard let value = present(key) else { return nil }
    guard let text = value as? String else { throw error(key, "a string") }
    return text
  }

  func bool(_ key: String) throws(RunSpecError) -> Bool? {
    guard let value = present(key) else { return nil }
    guard isBool(value), let flag = value as? Bool else { throw error(key, "true or false") }
    return flag
  }

  func int(_ key: String, minimum: Int) throws(RunSpecError) -> Int? {
    guard let value = present(key) else { return nil }
    guard !isBool(value), let number = value as? NSNumber, number.doubleValue.rounded() == number.doubleValue
    else { throw error(key, "an integer") }
    guard number.intValue >= minimum else { throw error(key, "an integer ≥ \(minimum)") }
    return number.intValue
  }

  func double(_ key: String) throws(RunSpecError) -> Double? {
    guard let value = present(key) else { return nil }
    guard !isBool(value), let number = value as? NSNumber else { throw error(key, "a number") }
    return number.doubleValue
  }

  func ints(_ key: String) throws(RunSpecError) -> [Int]? {
    guard let value = present(key) else { return nil }
    guard let list = value as? [Any], list.allSatisfy({ !isBool($0) && $0 is NSNumber }) else {
      throw error(key, "a list of integers")
    }
    return list.map { ($0 as! NSNumber).intValue }
  }

  /// PyCIL's `seed` is a list (one run per seed); Strata runs the first.
  mutating func seed() throws(RunSpecError) -> Int? {
    guard let value = present("seed") else { return nil }
    if let list = value as? [Any] {
      guard let first = list.first as? NSNumber, !isBool(first) else {
        throw error("seed", "an integer or a list of integers")
      }
      if list.count > 1 { warnings.append("seed: runs the first of \(list.count) seeds only") }
      return first.intValue
    }
    guard !isBool(value), let number = value as? NSNumber else {
      throw error("seed", "an integer or a list of integers")
    }
    return number.intValue
  }

  func budget(_ key: String) throws(RunSpecError) -> MemoryLedger.Budget? {
    guard let value = present(key) else { return nil }
    if let number = value as? NSNumber, !isBool(number), number.intValue >= 0 {
      return .bytes(number.intValue)
    }
    if let text = value as? String, let budget = MemoryLedger.Budget(parsing: text) { return budget }
    throw error(key, "a number of bytes or \"DER:<exemplars>\"")
  }
}
