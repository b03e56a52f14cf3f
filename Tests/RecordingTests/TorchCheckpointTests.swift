import CIL
import Data
import Foundation
import HDF5
import NN
import StrataTestSupport
import Tensor
import Testing
@testable import Recording

/// notebooks-export/strata_torch.py builds the network of a checkpoint in PyTorch and loads it:
/// on one batch in eval mode its logits (and features, auxiliary logits) equal Strata's.
@Suite(.serialized) struct TorchCheckpointTests {
  typealias Fixture = CheckpointFixture

  /// A bottleneck network with the ImageNet stem and option-B projections, small enough for a test.
  static let bottleneck = """
    {"name": "tiny-bottleneck", "stem": "imagenet", "stemWidth": 8,
     "stages": [{"block": "bottleneck", "blocks": 2, "width": 4, "stride": 1},
                {"block": "bottleneck", "blocks": 1, "width": 8, "stride": 2}],
     "shortcut": "B", "inputChannels": 3, "inputSize": 32, "classes": 6}
    """

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var architecture: @Sendable () throws -> ResNetArchitecture
    var kind: LearnerKind
    var split: String?
    var taskSizes: [Int]
    var image: ImageShape
    var testDescription: String { name }
  }

  static let cases = [
    Case(name: "resnet20, one backbone, 5 classes",
         architecture: { .cifar(depth: 20, classes: 5) }, kind: .replay, split: nil,
         taskSizes: [5], image: ImageShape(channels: 3, height: 16, width: 16)),
    Case(name: "custom spec, MEMO at stage2.block2, 2 tasks",
         architecture: {
           try ArchitectureSpec.decode(Data(CustomArchitectureSpec.json(name: "custom").utf8),
                                       file: "custom.json")
         }, kind: .memo, split: "stage2.block2", taskSizes: [2, 2],
         image: ImageShape(channels: 3, height: 8, width: 8)),
    Case(name: "bottleneck with ImageNet stem and projections, DER, 2 tasks",
         architecture: {
           try ArchitectureSpec.decode(Data(bottleneck.utf8), file: "bottleneck.json")
         }, kind: .der, split: nil, taskSizes: [3, 3],
         image: ImageShape(channels: 3, height: 32, width: 32)),
    Case(name: "plain ConvNet conv2 (conv blocks with bias and max pooling), MEMO, 2 tasks",
         architecture: { .conv2(classes: 4) }, kind: .memo, split: nil, taskSizes: [2, 2],
         image: ImageShape(channels: 3, height: 8, width: 8)),
  ]

  @Test(arguments: cases)
  func pytorchLogitsEqualStratas(_ c: Case) throws {
    var spec = RunSpec()
    spec.modelName = c.kind
    spec.split = c.split
    (spec.initialClasses, spec.increment) = (c.taskSizes[0], c.taskSizes.last!)
    let plan = try RunPlan(spec, architecture: try c.architecture(),
                           classCount: c.taskSizes.reduce(0, +), image: c.image, file: "spec.json")
    let network = try Fixture.network(plan, taskSizes: c.taskSizes)
    let tasks = c.taskSizes.count
    let checkpoint = RunCheckpoint(
      position: RunPosition(task: tasks - 1, epochsCompleted: 0, taskComplete: true),
      taskSizes: c.taskSizes, knownClasses: plan.stream.tasks[tasks - 1].classes.upperBound,
      totalClasses: plan.stream.tasks[tasks - 1].classes.upperBound, network: network.state(),
      momentum: [], teacher: nil, memory: ExemplarMemory(),
      result: RunResult(cnn: AccuracyMatrix(taskCount: plan.stream.count), nme: nil))

    var random = SeededRandom(seed: 0xBA7C)
    let shape = [4, c.image.channels, c.image.height, c.image.width]
    let images = random.values(shape.reduce(1, *), -2, 2).map(Float.init)
    network.setTraining(false)
    let output = try network(try Tensor(shape: shape, scalars: images, context: Fixture.context),
                             recording: false)

    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/checkpoint.h5"
    try Fixture.write(checkpoint, plan, to: path)
    let batch = try HDF5File.create(directory + "/batch.h5")
    try batch.root.createDataset("images", values: images, shape: shape)
    try batch.close()
    try Oracles.run("torch_checkpoint_logits.py", [
      Oracles.notebooksExport, path, directory + "/batch.h5", directory + "/torch.h5",
    ])
    let torch = try HDF5File.open(directory + "/torch.h5")

    var outputs = [("logits", output.logits), ("features", output.features)]
    if let auxiliary = output.auxiliaryLogits { outputs.append(("aux_logits", auxiliary)) }
    #expect(try torch.root.contains("aux_logits") == (output.auxiliaryLogits != nil))
    for (name, tensor) in outputs {
      let ours = try tensor.scalars(context: Fixture.context)
      let theirs: [Float] = try torch.root.openDataset(name).read()
      #expect(try torch.root.openDataset(name).shape() == tensor.shape, "\(name)")
      let scale = theirs.map { abs($0) }.max() ?? 0
      let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
      print("\(c.name): \(name) max |Strata − PyTorch| = \(worst), max |PyTorch| = \(scale)")
      #expect(scale > 0.01, "\(name) is all zeros: the comparison would say nothing")
      #expect(worst <= 1e-4 * scale, "\(name): max difference \(worst) at scale \(scale)")
    }
  }
}
