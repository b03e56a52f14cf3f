import Foundation
import Data
import NN

/// A run spec checked against its data and architecture: everything a run needs, decided before
/// any training starts, so that a bad spec fails in a second rather than after an epoch.
public struct RunPlan: Sendable {
  public let spec: RunSpec
  /// The spec's architecture with the data's input channels and size.
  public let architecture: ResNetArchitecture
  public let split: SplitPoint
  public let stream: TaskStream
  public let memory: MemoryPolicy
  public let ledger: MemoryLedger
  /// The spec's warnings and the plan's own.
  public let warnings: [String]

  /// Checks `spec` for `classCount` classes of `image`-shaped images; `file` names the spec in
  /// errors. Errors: an architecture that cannot be loaded, a split that is not a block,
  /// `init_cls` larger than the class count, a memory budget smaller than the model.
  public init(_ spec: RunSpec, classCount: Int, image: ImageShape, file: String)
    throws(RunSpecError)
  {
    let architecture: ResNetArchitecture
    do {
      architecture = try ArchitectureSpec.load(
        ResNetArchitecture.builtIn(spec.architecture) != nil
          ? spec.architecture : RunSpec.resolve(spec.architecture, besides: file))
    } catch {
      throw RunSpecError(file: file, key: "architecture", message: error.description)
    }
    try self.init(spec, architecture: architecture, classCount: classCount, image: image,
                  file: file, warnAdapting: ResNetArchitecture.builtIn(spec.architecture) == nil)
  }

  /// The same with an architecture given as a value (the spec's `architecture` is not read).
  /// `warnAdapting`: warn where the data replaces the architecture's own input channels, input
  /// size or class count (an architecture file states them; a built-in adapts by design).
  public init(_ spec: RunSpec, architecture: ResNetArchitecture, classCount: Int,
              image: ImageShape, file: String, warnAdapting: Bool = false) throws(RunSpecError)
  {
    guard spec.initialClasses <= classCount else {
      throw RunSpecError(file: file, key: "init_cls", message:
        "\(spec.initialClasses) initial classes, but \(spec.dataset) has only \(classCount)")
    }
    var warnings = spec.warnings
    var architecture = architecture
    if warnAdapting {
      warnings += Self.adaptation(architecture, classCount: classCount, image: image)
    }
    architecture.inputChannels = image.channels
    architecture.inputSize = image.height

    let split: SplitPoint
    switch spec.modelName {
    case .memo:
      let name = spec.split ?? Self.defaultMEMOSplit(architecture)
      do {
        split = try architecture.split(named: name, file: file, keyPath: "split")
      } catch {
        throw RunSpecError(file: file, key: "split", message: error.message)
      }
    case .der:
      split = .at("stem")
    case .finetune, .replay, .icarl, .joint:
      split = .none
    }
    if spec.split != nil && spec.modelName != .memo {
      warnings.append("split: only MEMO uses a split; \(spec.modelName.rawValue) uses \(split)")
    }

    let order = ClassOrder(classCount: classCount, seed: UInt32(truncatingIfNeeded: spec.seed),
                           shuffle: spec.shuffle)
    let stream = TaskStream(order: order, initialClasses: spec.initialClasses,
                            increment: spec.increment)
    let ledger = MemoryLedger(architecture, image: image)
    let memory: MemoryPolicy
    if !spec.modelName.keepsExemplars {
      memory = .none
    } else if let budget = spec.memoryBudget {
      // Checked at the last task, where the model is largest: the exemplar count that fits then
      // is the run's memory_size from the start (as the MEMO code fixes it in advance).
      let bytes = ledger.bytes(of: budget, tasks: stream.count)
      guard let exemplars = ledger.exemplars(budget: bytes, split: split, tasks: stream.count)
      else {
        throw RunSpecError(file: file, key: "memory_budget", message:
          "a budget of \(bytes) bytes is smaller than the model: \(spec.modelName.rawValue) at "
            + "split \(split) holds \(ledger.modelBytes(split: split, tasks: stream.count)) bytes "
            + "after \(stream.count) tasks")
      }
      memory = .total(exemplars)
    } else {
      memory = spec.fixedMemory ? .perClass(spec.memoryPerClass) : .total(spec.memorySize)
    }
    self.spec = spec
    self.architecture = architecture
    self.split = split
    self.stream = stream
    self.memory = memory
    self.ledger = ledger
    self.warnings = warnings
  }

  /// What training builds differently from what the architecture states (issue 24): the data
  /// decides the input channels and size, and the class count the classifier grows to.
  static func adaptation(_ architecture: ResNetArchitecture, classCount: Int, image: ImageShape)
    -> [String]
  {
    let changes = [
      ("inputChannels", architecture.inputChannels, image.channels),
      ("inputSize", architecture.inputSize, image.height),
      ("classes", architecture.classes, classCount),
    ].filter { $0.1 != $0.2 }
    return changes.map { key, stated, used in
      "architecture \(architecture.name): \(key) \(stated) is replaced by the data's \(used); "
        + "training builds the network for \(used)"
    }
  }

  /// MEMO's split for an architecture: the first block of the last stage (`stage3.block1` for
  /// the CIFAR ResNets, `stage4.block1` — PyCIL's `layer4` — for ResNet-18).
  public static func defaultMEMOSplit(_ architecture: ResNetArchitecture) -> String {
    architecture.memoSplit.description
  }
}
