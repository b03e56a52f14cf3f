import Common
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
/// default), `family` (architectures ordered by size, built-in names or spec files, for the
/// spec's own accuracy–memory curve: `strata curve --spec`).
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
  /// The accuracy–memory curve's backbones, smallest first (names or spec files); nil: none.
  public var family: [String]?
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
    "test_per_class", "image_size", "family",
    // Read by the verify stage of `strata run` (`VerificationDefaults`), not by a run.
    "verify_seeds", "verify_budgets",
  ]

  /// PyCIL keys without an effect here (devices, logging, resuming PyCIL's own checkpoints).
  static let ignored: Set<String> = ["prefix", "device", "debug", "skip", "num_workers"]

  /// Reads the spec at `path`.
  public static func load(_ path: String) throws(RunSpecError) -> RunSpec {
    try decode(try contents(of: path), file: path)
  }

  /// The spec text as a JSON object, or an error saying where the text is not JSON (a comma
  /// before `}` included, which Foundation's parser on Linux accepts) or that it is no object.
  /// Every reader of a spec's keys goes through here.
  public static func object(_ data: Data, file: String) throws(RunSpecError) -> [String: Any] {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw RunSpecError(file: file, key: "", message: "not valid JSON: "
                         + JSONSyntax.describe(error, in: data))
    }
    guard let json = object as? [String: Any] else {
      throw RunSpecError(file: file, key: "", message: "a run spec is a JSON object")
    }
    if let comma = JSONSyntax.trailingComma(in: data) {
      throw RunSpecError(file: file, key: "", message: "not valid JSON: \(comma)")
    }
    return json
  }

  /// The bytes of the spec at `path`, or an error that says why in plain words ("cannot read:
  /// no such file"), for every reader of a spec.
  public static func contents(of path: String) throws(RunSpecError) -> Data {
    do {
      return try JSONSyntax.contents(of: path)
    } catch {
      throw RunSpecError(file: path, key: "", message: "cannot read: \(error.message)")
    }
  }

  /// Decodes a spec; `file` names it in errors.
  public static func decode(_ data: Data, file: String) throws(RunSpecError) -> RunSpec {
    let json = try object(data, file: file)
    // Refused, not guessed (issue 24): which of two equal keys applies, and whether null means
    // "the default"; a null on a key Strata ignores is only warned about, as the key itself.
    if let duplicate = JSONSyntax.duplicateKey(in: data) {
      throw RunSpecError(file: file, key: duplicate.keyPath, message: "named twice (lines "
        + "\(duplicate.firstLine ?? 0) and \(duplicate.line)); keep one")
    }
    for null in JSONSyntax.nulls(in: data) where supported.contains(null.keyPath) {
      throw RunSpecError(file: file, key: null.keyPath, message: "null (line \(null.line)) is "
        + "not a value; leave the key out to use its default")
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
    spec.family = try reader.strings("family")
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
    spec.initialLearningRate = try reader.double("init_lr", minimum: 0) ?? spec.initialLearningRate
    spec.initialMilestones = try reader.ints("init_milestones", minimum: 0) ?? spec.initialMilestones
    spec.initialWeightDecay = try reader.double("init_weight_decay", minimum: 0)
      ?? spec.initialWeightDecay
    spec.initialLearningRateDecay = try reader.double("init_lr_decay", minimum: 0)
      ?? spec.initialLearningRateDecay
    spec.epochs = try reader.int("epochs", minimum: 0) ?? spec.epochs
    spec.learningRate = try reader.double("lrate", minimum: 0) ?? spec.learningRate
    spec.milestones = try reader.ints("milestones", minimum: 0) ?? spec.milestones
    spec.weightDecay = try reader.double("weight_decay", minimum: 0) ?? spec.weightDecay
    spec.learningRateDecay = try reader.double("lrate_decay", minimum: 0) ?? spec.learningRateDecay
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
    spec.auxiliaryWeight = try reader.double("alpha_aux", minimum: 0) ?? spec.auxiliaryWeight
    // iCaRL divides the logits by T.
    spec.temperature = try reader.double("T", minimum: 0, inclusive: false) ?? spec.temperature

    for key in json.keys.sorted() where !supported.contains(key) {
      let meant = ignored.contains(key) ? nil : nearestSupported(key)
      // A misspelt key whose meant key is absent would leave that key at its default (200
      // epochs for `init_epochs`): an error, not a warning.
      if let meant, json[meant] == nil {
        throw RunSpecError(file: file, key: key,
                           message: "not a key Strata reads; did you mean \(meant)? Without it, "
                             + "\(meant) would take its default")
      }
      spec.warnings.append(ignored.contains(key)
        ? "\(key): ignored (no effect in Strata)"
        : "\(key): not supported, ignored" + (meant.map { "; did you mean \($0)?" } ?? ""))
    }
    if json["train_adaptive"] as? Bool == true {
      spec.warnings.append("train_adaptive: MEMO's adaptive-extractor training is not supported")
    }
    spec.warnings += reader.warnings
    return spec
  }

  /// The supported key a misspelt `key` most likely meant (`init_epochs` → `init_epoch`): one
  /// within two edits, ignoring case, `_` and `-`; nil when none or several are that close.
  static func nearestSupported(_ key: String) -> String? {
    let fold = { (s: String) in Array(s.lowercased().filter { $0 != "_" && $0 != "-" }) }
    let target = fold(key)
    let close = supported.filter { editDistance(fold($0), target) <= 2 }
    return close.count == 1 ? close.first : nil
  }

  /// Levenshtein distance.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1]
      for (j, y) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
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
    RunSpecError(file: file, key: key, message: "expected \(expected), got \(Self.text(json[key]!))")
  }

  /// A value as JSON (`"ten"`, `[1.5]`), as the file has it.
  static func text(_ value: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]),
          let text = String(data: data, encoding: .utf8)
    else { return "\(value)" }
    return text
  }

  /// An integer JSON number (1 and 1.0, not 1.5 nor true), of at most 2^53 in magnitude so it is
  /// exact whether parsed as integer or double: NSNumber's `intValue` of 1e19 is Int.min.
  private func integer(_ value: Any) -> Int? {
    guard !isBool(value), let number = value as? NSNumber else { return nil }
    let double = number.doubleValue
    guard double.rounded() == double, abs(double) <= 0x1p53 else { return nil }
    return number.intValue
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
    guard let number = integer(value) else { throw error(key, "an integer") }
    guard number >= minimum else { throw error(key, "an integer ≥ \(minimum)") }
    return number
  }

  /// A number ≥ `minimum` (> `minimum` when not `inclusive`).
  func double(_ key: String, minimum: Double, inclusive: Bool = true) throws(RunSpecError)
    -> Double?
  {
    guard let value = present(key) else { return nil }
    guard !isBool(value), let number = value as? NSNumber else { throw error(key, "a number") }
    let x = number.doubleValue
    guard inclusive ? x >= minimum : x > minimum else {
      throw error(key, "a number \(inclusive ? "≥" : ">") \(minimum.formatted())")
    }
    return x
  }

  /// A non-empty list of strings.
  func strings(_ key: String) throws(RunSpecError) -> [String]? {
    guard let value = present(key) else { return nil }
    guard let list = value as? [Any], !list.isEmpty else {
      throw error(key, "a non-empty list of strings")
    }
    var texts: [String] = []
    for (i, item) in list.enumerated() {
      guard let text = item as? String else {
        throw RunSpecError(file: file, key: "\(key)[\(i)]",
                           message: "expected a string, got \(Self.text(item))")
      }
      texts.append(text)
    }
    return texts
  }

  func ints(_ key: String, minimum: Int) throws(RunSpecError) -> [Int]? {
    guard let value = present(key) else { return nil }
    guard let list = value as? [Any] else { throw error(key, "a list of integers ≥ \(minimum)") }
    var numbers: [Int] = []
    for (i, item) in list.enumerated() {
      guard let number = integer(item), number >= minimum else {
        throw RunSpecError(file: file, key: "\(key)[\(i)]", message: "expected an integer ≥ "
                           + "\(minimum), got \(Self.text(item))")
      }
      numbers.append(number)
    }
    return numbers
  }

  /// PyCIL's `seed` is a list (one run per seed); Strata runs the first. As numpy's
  /// `np.random.seed`, which decides the class order, it must be in 0..<2^32.
  mutating func seed() throws(RunSpecError) -> Int? {
    guard let value = present("seed") else { return nil }
    let expected = "an integer from 0 to 4294967295 (numpy's seed range) or a list of them"
    let list = value as? [Any]
    let first: Any? = if let list { list.first } else { value }
    guard let first, let seed = integer(first),
          (0...Int(UInt32.max)).contains(seed)
    else { throw error("seed", expected) }
    if let list, list.count > 1 {
      warnings.append("seed: runs the first of \(list.count) seeds only")
    }
    return seed
  }

  func budget(_ key: String) throws(RunSpecError) -> MemoryLedger.Budget? {
    guard let value = present(key) else { return nil }
    if let bytes = integer(value), bytes >= 0 { return .bytes(bytes) }
    if let text = value as? String, let budget = MemoryLedger.Budget(parsing: text) { return budget }
    throw error(key, "a number of bytes or \"DER:<exemplars>\"")
  }
}
