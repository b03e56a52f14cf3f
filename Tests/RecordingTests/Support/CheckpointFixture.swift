import CIL
import Data
import Foundation
import NN
import Recording
import StrataTestSupport
import Tensor

/// Checkpoints built by hand from grown networks (no training): what a run would have saved
/// mid-way through task 1 of a 2 + 2 class stream, with momentum, memory and a result row.
enum CheckpointFixture {
  static let context = try! ComputeContext.shared()

  static let tiny = ResNetArchitecture(
    name: "tiny", stem: .cifar, stemWidth: 4,
    stages: [.init(blocks: 1, width: 4, stride: 1), .init(blocks: 1, width: 8, stride: 2)],
    shortcut: .zeroPadding, inputChannels: 1, inputSize: 8, classes: 4)
  static let image = ImageShape(channels: 1, height: 8, width: 8)

  static func spec(_ kind: LearnerKind, configure: (inout RunSpec) -> Void = { _ in }) -> RunSpec {
    var spec = RunSpec()
    spec.modelName = kind
    (spec.initialClasses, spec.increment, spec.memorySize) = (2, 2, 8)
    (spec.initialEpochs, spec.epochs, spec.batchSize, spec.seed) = (3, 3, 8, 5)
    if kind == .memo { spec.split = "stage2.block1" }
    configure(&spec)
    return spec
  }

  static func plan(_ spec: RunSpec, architecture: ResNetArchitecture = tiny, classes: Int = 4,
                   image: ImageShape = image) throws -> RunPlan
  {
    try RunPlan(spec, architecture: architecture, classCount: classes, image: image,
                file: "spec.json")
  }

  /// The plan's network grown by `taskSizes`, with batch-norm parameters, running statistics
  /// and classifier biases drawn at random, so no value is a constant 0 or 1.
  static func network(_ plan: RunPlan, taskSizes: [Int], seed: UInt64 = 11) throws
    -> ExpandableNetwork
  {
    let network = try ExpandableNetwork(plan.architecture, split: plan.split, seed: seed,
                                        context: context)
    for size in taskSizes { try network.addTask(classes: size) }
    var random = SeededRandom(seed: seed)
    var state = network.state()
    for i in state.parameters.indices {
      let name = state.parameters[i].name
      let parts = name.split(separator: ".")
      guard parts.last == "bias" || parts[parts.count - 2].hasPrefix("bn") else { continue }
      let (low, high) = parts.last == "weight" ? (0.5, 1.5) : (-0.3, 0.3)
      state.parameters[i].values = random.values(state.parameters[i].values.count, low, high)
        .map(Float.init)
    }
    for i in state.buffers.indices {
      let (low, high) = state.buffers[i].name.hasSuffix("running_var") ? (0.5, 1.5) : (-0.2, 0.2)
      state.buffers[i].values = random.values(state.buffers[i].values.count, low, high)
        .map(Float.init)
    }
    try network.loadState(state)
    return network
  }

  /// A checkpoint after one epoch of task 1 (of two).
  static func checkpoint(_ plan: RunPlan, teacher: Bool = false) throws -> RunCheckpoint {
    let network = try Self.network(plan, taskSizes: [2, 2])
    let momentum = network.namedParameters().prefix(3).enumerated().map { k, entry in
      NamedArray(name: entry.name, shape: entry.parameter.shape,
                 values: entry.parameter.scalars.map { $0 * 0.01 + Float(k) })
    }
    var cnn = AccuracyMatrix(taskCount: 2), nme = AccuracyMatrix(taskCount: 2)
    cnn.append(perTask: [0.875], total: 0.875)
    nme.append(perTask: [0.75], total: 0.75)
    let memory = ExemplarMemory(exemplars: [0: [4, 0, 8, 12], 1: [1, 9, 5, 13]],
                                classMeans: [0: [0.5, -0.5, 0.25, 0.125, 0, 0.5, 0.5, -0.25],
                                             1: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]])
    let ledger = LedgerEntry(task: 0, modelParameters: 1000, networkParameters: 1018,
                             exemplars: 8, imageBytes: 64)
    return RunCheckpoint(
      position: RunPosition(task: 1, epochsCompleted: 1, taskComplete: false),
      taskSizes: [2, 2], knownClasses: 2, totalClasses: 4, network: network.state(),
      momentum: momentum,
      teacher: teacher ? try Self.network(plan, taskSizes: [2], seed: 12).state() : nil,
      memory: memory, result: RunResult(cnn: cnn, nme: nme, ledger: [ledger]))
  }

  /// Random 8×8 grey images of 4 classes (resuming needs data of the plan's class count).
  static func data() -> IncrementalDataset {
    var random = SeededRandom(seed: 3)
    func images(_ count: Int) -> ImageArray {
      ImageArray(shape: image, pixels: (0..<(count * 64)).map { _ in UInt8(random.integer(below: 256)) },
                 labels: (0..<count).map { Int32($0 % 4) },
                 classNames: ["a", "b", "c", "d"], source: "generated")
    }
    let augmentation = Augmentation(mean: [0.5], std: [0.25])
    return IncrementalDataset(name: "noise", train: images(16), test: images(8),
                              trainAugmentation: augmentation, testAugmentation: augmentation)
  }

  static func scratch() throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
  }

  static func write(_ checkpoint: RunCheckpoint, _ plan: RunPlan, to path: String) throws {
    try RunCheckpointFile.write(checkpoint, plan: plan, provenance: Provenance(
          strataVersion: "test", gitCommit: "abc", commandLine: "strata train spec.json", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        convolution: ComputeContext.environmentConvolution, to: path)
  }
}
