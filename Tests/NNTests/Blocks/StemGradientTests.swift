import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// The ImageNet stem (7×7/2 conv, BN with fused ReLU, 3×3/2 max pool with padding 1) against the
/// Float64 reference ops on L = Σ dy ⊙ y. (The CIFAR stem, without pooling, is covered by the
/// whole-network test.)
@Suite struct StemGradientTests {
  @Test func imageNetStemMatchesFloat64Reference() throws {
    let stem = try Stem(inChannels: 3, outChannels: 8, kernel: 7, stride: 2, maxPool: true,
                        context: NNTest.context)
    Initialization.initialize(stem, seed: 0x57E)
    var random = SeededRandom(seed: 0x57E)
    stem.randomizeBatchNorms(&random)
    let x = random.float32Tensor([2, 3, 16, 16])
    let dy = random.float32Tensor([2, 8, 4, 4])
    let initialBuffers = try NNTest.buffers(of: stem)
    let y = try stem.forward(try NNTest.tensor(x), recording: true)
    let dx = try #require(try stem.backward(try NNTest.tensor(dy), inputGradient: true))

    let p = NNTest.parameters(of: stem)
    var records: [ReferenceNetwork.BatchNormRecord] = []
    let c = Reference.conv2d(x, weight: p["conv.weight"]!, stride: 2, padding: 3)
    let n = ReferenceNetwork.batchNorm(c, "bn", p, &records)
    let a = Reference.relu(n)
    let yRef = Reference.maxPool2d(a, kernel: 3, stride: 2, padding: 1)
    var grads: [String: RefTensor] = [:]
    let dA = Reference.maxPool2dBackward(a, dy: dy, kernel: 3, stride: 2, padding: 1)
    let dC = ReferenceNetwork.batchNormBackward(c, "bn", Reference.reluBackward(n, dy: dA), p,
                                                &grads)
    let dxRef = ReferenceNetwork.convBackward(x, "conv", dC, stride: 2, padding: 3, p, &grads)

    var log = DiscrepancyLog("ImageNet stem")
    log.check("y", try NNTest.ref(y), yRef, tolerance: 1e-4)
    log.check("dx", try NNTest.ref(dx), dxRef, tolerance: 1e-4)
    let engineGrads = try NNTest.gradients(of: stem)
    #expect(Set(engineGrads.keys) == ["conv.weight", "bn.weight", "bn.bias"])
    for (name, g) in engineGrads.sorted(by: { $0.key < $1.key }) {
      log.check("d " + name, g, grads[name]!, tolerance: 1e-4)
    }
    let running = ReferenceNetwork.runningStatistics(initial: initialBuffers, records: records)
    let buffers = try NNTest.buffers(of: stem)
    for (name, value) in running.sorted(by: { $0.key < $1.key }) {
      log.check(name, buffers[name] ?? [], value, tolerance: 1e-5)
    }
    print(log.summary)
  }
}
