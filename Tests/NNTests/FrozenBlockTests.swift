import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// Freezing blocks (`setTrainable(false)`): frozen parameters get no gradient, and the trainable
/// ones get the same gradients as in the unfrozen network, whether the frozen blocks sit below
/// them (MEMO's shared blocks when `train_shared` is off) or between trainable ones.
@Suite struct FrozenBlockTests {
  /// ResNet-14 (two blocks per stage) on 8×8 inputs, N = 4, seeded; its gradients after one
  /// forward/backward with the blocks named in `frozen` frozen.
  static func gradients(freezing frozen: Set<String>) throws
    -> (net: ResNet, grads: [String: RefTensor])
  {
    let net = try ResNet(.cifar(depth: 14, classes: 5, inputSize: 8), context: NNTest.context)
    Initialization.initialize(net, seed: 0xF00)
    var random = SeededRandom(seed: 0xF00)
    net.randomizeBatchNorms(&random)
    for (name, block) in net.namedBlocks where frozen.contains(name) {
      block.setTrainable(false)
    }
    let x = try NNTest.tensor(random.float32Tensor([4, 3, 8, 8]))
    let logits = try net(x, recording: true)
    let (_, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: [0, 1, 2, 4], classes: 0..<5, context: NNTest.context)
    try net.backward(dLogits)
    return (net, try NNTest.gradients(of: net))
  }

  static func blockName(_ parameter: String) -> String {
    parameter.hasPrefix("stage") ? parameter.split(separator: ".").prefix(2).joined(separator: ".")
      : String(parameter.split(separator: ".")[0])
  }

  /// Frozen parameters have no gradient; every trainable one has one, equal to the unfrozen
  /// run's (the same primitives on the same inputs: expected bitwise equal, checked to 1e-6).
  @Test(arguments: [
    ["stem", "stage1.block1", "stage1.block2"],  // the shared part below a split
    ["stage2.block1"],  // a frozen block with trainable blocks below it
    ["head"],  // a frozen classifier still passes dL/dfeatures down
    ["stem", "stage1.block1", "stage1.block2", "stage2.block1", "stage2.block2",
     "stage3.block1", "stage3.block2"],  // only the head trains
  ])
  func frozenBlocksGetNoGradient(_ frozen: [String]) throws {
    let reference = try Self.gradients(freezing: [])
    let (net, grads) = try Self.gradients(freezing: Set(frozen))
    var log = DiscrepancyLog("frozen \(frozen.joined(separator: ","))")
    var bitwise = true
    for (name, parameter) in net.namedParameters() {
      let isFrozen = frozen.contains(Self.blockName(name))
      #expect(parameter.isTrainable == !isFrozen, "\(name) trainable flag")
      if isFrozen {
        #expect(grads[name] == nil, "frozen \(name) received a gradient")
        continue
      }
      let g = try #require(grads[name], "trainable \(name) has no gradient")
      let expected = try #require(reference.grads[name])
      log.check(name, g, expected, tolerance: 1e-6)
      bitwise = bitwise && g.data == expected.data
    }
    #expect(log.entries.count == net.namedParameters().count - net.namedParameters()
      .filter { frozen.contains(Self.blockName($0.name)) }.count)
    print("\(log.summary); bitwise identical: \(bitwise)")
  }

  /// After an SGD step over all parameters, frozen ones are unchanged and trainable ones moved.
  @Test func sgdLeavesFrozenBlocksUnchanged() throws {
    let frozen: Set<String> = ["stem", "stage1.block1", "stage1.block2"]
    let (net, _) = try Self.gradients(freezing: frozen)
    let before = net.namedParameters().map { ($0.name, $0.parameter.scalars) }
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: 5e-4)], learningRate: 0.1)
    sgd.step()
    for ((name, old), (_, parameter)) in zip(before, net.namedParameters()) {
      if frozen.contains(Self.blockName(name)) {
        #expect(parameter.scalars == old, "frozen \(name) moved")
      } else {
        #expect(parameter.scalars != old, "trainable \(name) did not move")
      }
    }
  }
}
