import Testing
import Tensor
@testable import NN

/// Evaluation forwards that record nothing fold batch norm into the convolutions and fuse the
/// ReLUs and the residual add; they must give what the unfused eval path gives (itself checked
/// against the Float64 reference in the block tests).
@Suite struct FoldedEvaluationTests {
  static func randomizeStatistics(_ net: some Module, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    for (name, buffer) in net.namedBuffers() {
      let values = buffer.memory.floats
      for i in 0..<buffer.count {
        values[i] = name.hasSuffix("running_var")
          ? Float(0.5 + generator.unit()) : Float(generator.normal() * 0.2)
      }
    }
    for case let bn as BatchNorm in net.descendants { bn.markStatisticsModified() }
    for (name, parameter) in net.namedParameters() where name.contains("bn") {
      parameter.load((0..<parameter.count).map { _ in
        Float(name.hasSuffix("weight") ? 0.5 + generator.unit() : generator.normal() * 0.1)
      })
    }
  }

  @Test(arguments: [
    ResNetArchitecture.cifar(depth: 8, classes: 5, inputSize: 8),
    ResNetArchitecture(name: "tiny-imagenet", stem: .imagenet, stemWidth: 8,
                       stages: [.init(blocks: 1, width: 8, stride: 1),
                                .init(blocks: 1, width: 16, stride: 2)],
                       shortcut: .projection, inputChannels: 3, inputSize: 16, classes: 4),
    ResNetArchitecture(name: "tiny-bottleneck", stem: .imagenet, stemWidth: 8,
                       stages: [.init(block: .bottleneck, blocks: 1, width: 4, stride: 1),
                                .init(block: .bottleneck, blocks: 1, width: 8, stride: 2)],
                       shortcut: .projection, inputChannels: 3, inputSize: 16, classes: 4),
  ])
  func foldedEvaluationMatchesUnfusedEvaluation(_ architecture: ResNetArchitecture) throws {
    let net = try ResNet(architecture, context: NNTest.context)
    Initialization.initialize(net, seed: 3)
    Self.randomizeStatistics(net, seed: 4)
    net.setTraining(false)
    var random = SeededGenerator(seed: 5)
    let size = architecture.inputSize
    let x = try Tensor(shape: [3, 3, size, size],
                       scalars: (0..<(9 * size * size)).map { _ in Float(random.normal()) },
                       context: NNTest.context)
    let unfused = try NNTest.ref(try net(x, recording: true))
    let folded = try NNTest.ref(try net(x, recording: false))
    var log = DiscrepancyLog("folded evaluation, \(architecture.name)")
    log.check("logits", folded, unfused, tolerance: 1e-5)

    // Folding follows the statistics: change them and the folded result changes with them.
    Self.randomizeStatistics(net, seed: 6)
    let refolded = try NNTest.ref(try net(x, recording: false))
    #expect(refolded.data != folded.data)
    log.check("logits after new statistics", refolded,
              try NNTest.ref(try net(x, recording: true)), tolerance: 1e-5)
  }

  /// An evaluation forward writes residual sums into the input buffers of blocks it owns: a
  /// MEMO-style network's shared output feeds every branch and must survive the first, and
  /// outputs an observer keeps must keep the values it saw.
  @Test func reusedBuffersLeaveSharedAndObservedOutputsIntact() throws {
    let architecture = ResNetArchitecture(
      name: "tiny-memo", stem: .cifar, stemWidth: 8,
      stages: [.init(blocks: 2, width: 8, stride: 1), .init(blocks: 2, width: 16, stride: 2)],
      shortcut: .zeroPadding, inputChannels: 3, inputSize: 8, classes: 3)
    let net = try ExpandableNetwork(architecture, split: .at("stage1.block2"), seed: 3,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    try net.addTask(classes: 2)
    Self.randomizeStatistics(net, seed: 4)
    net.setTraining(false)
    var random = SeededGenerator(seed: 5)
    let x = try Tensor(shape: [2, 3, 8, 8], scalars: (0..<384).map { _ in Float(random.normal()) },
                       context: NNTest.context)
    var log = DiscrepancyLog("folded evaluation with two branches")
    log.check("logits", try NNTest.ref(try net(x, recording: false).logits),
              try NNTest.ref(try net(x, recording: true).logits), tolerance: 1e-5)

    let resnet = try ResNet(.cifar(depth: 14, classes: 4, inputSize: 8), context: NNTest.context)
    Initialization.initialize(resnet, seed: 6)
    Self.randomizeStatistics(resnet, seed: 7)
    resnet.setTraining(false)
    var kept: [(String, Tensor, [Float])] = []
    _ = try resnet(x, recording: false) { name, h in
      kept.append((name, h, try h.scalars(context: NNTest.context)))
    }
    #expect(kept.count == 8)  // stem, six blocks, head
    for (name, tensor, seen) in kept {
      #expect(try tensor.scalars(context: NNTest.context) == seen, "\(name) changed after it was observed")
    }
  }

  /// The reuse happens, through `any Layer` as networks call blocks, and only when allowed.
  @Test func anIdentityBlockReusesItsInputOnlyWhenAllowed() throws {
    let resnet = try ResNet(.cifar(depth: 14, classes: 4, inputSize: 8), context: NNTest.context)
    Initialization.initialize(resnet, seed: 8)
    Self.randomizeStatistics(resnet, seed: 9)
    resnet.setTraining(false)
    var random = SeededGenerator(seed: 10)
    let x = try Tensor(shape: [2, 3, 8, 8], scalars: (0..<384).map { _ in Float(random.normal()) },
                       context: NNTest.context)
    // An input in the layout the blocks write: the first block's output.
    let h = try resnet.blocks[0].block.forward(try resnet.stem.forward(x, recording: false),
                                               recording: false)
    let block: any Layer = resnet.blocks[1].block
    #expect(resnet.blocks[1].name == "stage1.block2")
    let before = try h.scalars(context: NNTest.context)
    let copied = try block.forward(h, recording: false, mayOverwriteInput: false)
    #expect(copied !== h)
    #expect(try h.scalars(context: NNTest.context) == before)
    let reused = try block.forward(h, recording: false, mayOverwriteInput: true)
    #expect(reused === h)
    #expect(try reused.scalars(context: NNTest.context)
      == (try copied.scalars(context: NNTest.context)))
  }
}
