import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// Gradients accumulate across backward passes until `zeroGradients()`, as PyTorch's `.grad`.
@Suite struct ParameterTests {
  static func network() throws -> ResNet {
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: NNTest.context)
    Initialization.initialize(net, seed: 0xACC)
    return net
  }

  static func backward(_ net: ResNet, _ x: RefTensor, _ labels: [Int32]) throws {
    let logits = try net(try NNTest.tensor(x), recording: true)
    let (_, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: labels, classes: 0..<5, context: NNTest.context)
    try net.backward(dLogits)
  }

  /// Two batches without zeroing give g₁ + g₂ (the Float32 sum of the single-batch gradients,
  /// exactly); `zeroGradients()` clears every gradient.
  @Test func gradientsAccumulateUntilZeroed() throws {
    var random = SeededRandom(seed: 0xACC)
    let (x1, x2) = (random.float32Tensor([4, 3, 8, 8]), random.float32Tensor([4, 3, 8, 8]))
    let (l1, l2): ([Int32], [Int32]) = ([0, 1, 2, 3], [4, 4, 0, 1])
    // Training-mode outputs do not depend on the running statistics, so separate networks
    // with the same weights give the single-batch gradients.
    let single1 = try Self.network(), single2 = try Self.network(), both = try Self.network()
    try Self.backward(single1, x1, l1)
    try Self.backward(single2, x2, l2)
    try Self.backward(both, x1, l1)
    try Self.backward(both, x2, l2)
    let (g1, g2, sum) = (try NNTest.gradients(of: single1), try NNTest.gradients(of: single2),
                         try NNTest.gradients(of: both))
    #expect(sum.count == both.namedParameters().count)
    for (name, total) in sum.sorted(by: { $0.key < $1.key }) {
      let expected = zip(g1[name]!.data, g2[name]!.data).map { Double(Float($0) + Float($1)) }
      #expect(total.data == expected, "\(name): accumulated gradient is not g₁ + g₂")
    }
    both.zeroGradients()
    #expect(both.parameters.allSatisfy { $0.gradient == nil })
  }
}

/// Values written through the API (`SGD.step`, `Parameter.load`) reach the next forward: a
/// network after one SGD step computes exactly what a fresh network loaded with its weights
/// and running statistics computes (catches stale copies of weights in other layouts).
@Suite struct UpdatedWeightsTests {
  @Test(arguments: [true, false])
  func nextForwardSeesUpdatedWeights(_ recording: Bool) throws {
    var random = SeededRandom(seed: 0x5EE)
    let (x1, x2) = (random.float32Tensor([4, 3, 8, 8]), random.float32Tensor([4, 3, 8, 8]))
    let trained = try ParameterTests.network()
    // A forward in the mode under test first, so any cached weight copies exist before the step.
    _ = try trained(try NNTest.tensor(x2), recording: recording)
    trained.zeroGradients()
    try ParameterTests.backward(trained, x1, [0, 1, 2, 3])
    let sgd = SGD(groups: [ParameterGroup(trained.parameters, weightDecay: 5e-4)],
                  learningRate: 0.1)
    let before = trained.parameters.map(\.scalars)
    sgd.step()
    #expect(trained.parameters.map(\.scalars) != before, "the step changed nothing")

    let loaded = try ParameterTests.network()
    _ = try loaded(try NNTest.tensor(x2), recording: recording)
    for (target, source) in zip(loaded.parameters, trained.parameters) {
      target.load(source.scalars)
    }
    for (target, source) in zip(loaded.namedBuffers(), trained.namedBuffers()) {
      _ = target.tensor.memory.floats.initialize(
        from: try source.tensor.scalars(context: NNTest.context))
    }
    let a = try NNTest.ref(try trained(try NNTest.tensor(x2), recording: recording))
    let b = try NNTest.ref(try loaded(try NNTest.tensor(x2), recording: recording))
    let d = Discrepancy(a.data, b.data)
    #expect(d.elementwise <= 1e-6, "logits after the step differ from the loaded copy's: \(d)")
  }
}
