import Foundation

extension RunSpec {
  /// Every setting of the spec under its PyCIL key, defaults included, so the text alone says how
  /// a run was trained: `RunSpec.decode` reads it back to an equal spec (warnings aside).
  /// Checkpoints store it; a resumed run must have the same training settings.
  public var canonicalJSON: String {
    var object: [String: Any] = [
      "model_name": modelName.rawValue, "dataset": dataset, "architecture": architecture,
      "init_cls": initialClasses, "increment": increment, "memory_size": memorySize,
      "memory_per_class": memoryPerClass, "fixed_memory": fixedMemory, "shuffle": shuffle,
      "seed": seed, "init_epoch": initialEpochs, "init_lr": initialLearningRate,
      "init_milestones": initialMilestones, "init_weight_decay": initialWeightDecay,
      "init_lr_decay": initialLearningRateDecay, "epochs": epochs, "lrate": learningRate,
      "milestones": milestones, "weight_decay": weightDecay, "lrate_decay": learningRateDecay,
      "batch_size": batchSize, "scheduler": scheduler, "train_shared": trainShared,
      "alpha_aux": auxiliaryWeight, "T": temperature,
    ]
    if let dataRoot { object["data_root"] = dataRoot }
    if let split { object["split"] = split }
    if let family { object["family"] = family }
    if let trainPerClass { object["train_per_class"] = trainPerClass }
    if let testPerClass { object["test_per_class"] = testPerClass }
    if let imageSize { object["image_size"] = imageSize }
    switch memoryBudget {
    case .bytes(let n): object["memory_budget"] = n
    case .der(let n): object["memory_budget"] = "DER:\(n)"
    case nil: break
    }
    do {
      let data = try JSONSerialization.data(withJSONObject: object,
                                            options: [.sortedKeys, .prettyPrinted])
      return String(decoding: data, as: UTF8.self)
    } catch {
      preconditionFailure("a run spec always encodes: \(error)")
    }
  }

  /// The settings that decide what training computes: everything but where the data lives
  /// and the warnings. A resumed run must agree with its checkpoint on these.
  public func trainsLike(_ other: RunSpec) -> Bool {
    var (a, b) = (self, other)
    (a.dataRoot, b.dataRoot) = (nil, nil)
    (a.warnings, b.warnings) = ([], [])
    return a == b
  }
}
