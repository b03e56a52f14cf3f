import Tensor
import StrataTestSupport
import Testing
@testable import NN

/// Training is reproducible: the same seed, data and thread count (one process, one OpenMP pool)
/// give bitwise-identical weights and running statistics.
@Suite struct DeterminismTests {
  /// Every parameter and buffer after `steps` SGD steps (lr 0.1, μ 0.9, wd 5e-4) of ResNet-8 on
  /// 8×8 inputs, N = 8, three different seeded batches.
  static func train(seed: UInt64, steps: Int = 3) throws -> (initial: [[Float]], final: [[Float]])
  {
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: NNTest.context)
    Initialization.initialize(net, seed: seed)
    let initial = net.parameters.map(\.scalars)
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: 5e-4)],
                  learningRate: 0.1, momentum: 0.9)
    var data = SeededRandom(seed: 0xDA7A)
    for step in 0..<steps {
      let x = try NNTest.tensor(data.float32Tensor([8, 3, 8, 8]))
      let labels = (0..<8).map { _ in Int32(data.integer(below: 5)) }
      sgd.zeroGradients()
      let logits = try net(x, recording: true)
      let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
        logits: logits, labels: labels, classes: 0..<5, context: NNTest.context)
      try net.checkLoss(loss, step: step, input: x)
      try net.backward(dLogits)
      sgd.step()
    }
    let buffers = try net.namedBuffers().map { try $0.tensor.scalars(context: NNTest.context) }
    return (initial, net.parameters.map(\.scalars) + buffers)
  }

  static func bits(_ tensors: [[Float]]) -> [[UInt32]] { tensors.map { $0.map(\.bitPattern) } }

  @Test func sameSeedGivesBitwiseIdenticalWeights() throws {
    let first = try Self.train(seed: 42)
    let second = try Self.train(seed: 42)
    let (a, b) = (Self.bits(first.final), Self.bits(second.final))
    #expect(a.count == b.count)
    let differing = zip(a, b).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    #expect(differing.isEmpty, "tensors \(differing) differ between two identical runs")
    // Not vacuous: training moved the weights, and another seed ends elsewhere.
    #expect(Self.bits(first.initial) != Self.bits(Array(first.final.prefix(first.initial.count))))
    let other = try Self.train(seed: 43)
    #expect(Self.bits(other.final) != a)
  }
}
