import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// A whole (tiny) ResNet on the engine against the same network composed from the Float64
/// reference ops: loss, every parameter gradient, BN running statistics; and the reference's loss
/// against central differences.
@Suite struct ResNetGradientTests {
  static let architecture = ResNetArchitecture.cifar(depth: 8, classes: 5, inputSize: 8)

  /// ResNet-8 (one block per stage, 16/32/64 channels, option A), seeded He init, random BN
  /// γ, β; N = 4 images of 8×8×3 and their labels.
  struct Fixture {
    let net: ResNet
    let reference = ReferenceNetwork.ResNet(ResNetGradientTests.architecture)
    let x: RefTensor
    let labels: [Int]

    init(seed: UInt64 = 0x7E57) throws {
      net = try ResNet(ResNetGradientTests.architecture, context: NNTest.context)
      Initialization.initialize(net, seed: seed)
      var random = SeededRandom(seed: seed)
      net.randomizeBatchNorms(&random)
      // A non-zero head bias, so its gradient path and name are exercised too.
      net.head.bias.load(random.values(net.head.bias.count, -0.1, 0.1).map(Float.init))
      x = random.float32Tensor([4, 3, 8, 8])
      labels = [0, 3, 1, 4]
    }
  }

  /// Loss (relative 1e-5), logits and every parameter gradient (1e-4, elementwise relative to
  /// max(1, |ref|) and ‖a − b‖/‖b‖ per tensor: the gradients of a mean loss are small, so the
  /// norm measure is the one with teeth), and the running statistics after the forward
  /// (momentum 0.1, unbiased variance) within 1e-5.
  @Test func engineMatchesFloat64Reference() throws {
    let f = try Fixture()
    let initialBuffers = try NNTest.buffers(of: f.net)
    let logits = try f.net(try NNTest.tensor(f.x), recording: true)
    let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: f.labels.map(Int32.init), classes: 0..<5, context: NNTest.context)
    try f.net.backward(dLogits)

    let p = NNTest.parameters(of: f.net)
    let expected = f.reference.gradients(f.x, labels: f.labels, p)

    let lossError = abs(loss - expected.loss) / abs(expected.loss)
    #expect(lossError <= 1e-5, "loss \(loss) vs reference \(expected.loss)")
    var log = DiscrepancyLog("ResNet-8")
    log.check("logits", try NNTest.ref(logits), expected.logits, tolerance: 1e-4)
    let grads = try NNTest.gradients(of: f.net)
    #expect(Set(grads.keys) == Set(p.keys), "every parameter has a gradient")
    #expect(Set(expected.grads.keys) == Set(p.keys), "the reference covers every parameter")
    for (name, _) in f.net.namedParameters() {
      guard let engine = grads[name], let reference = expected.grads[name] else { continue }
      log.check("d " + name, engine, reference, tolerance: 1e-4)
    }
    let running = ReferenceNetwork.runningStatistics(initial: initialBuffers,
                                                     records: expected.records)
    let buffers = try NNTest.buffers(of: f.net)
    #expect(Set(buffers.keys) == Set(running.keys))
    #expect(running.count == 2 * 7, "stem + 3 blocks × 2 batch norms, mean and variance each")
    var statistics = DiscrepancyLog("ResNet-8 running statistics")
    for (name, value) in running.sorted(by: { $0.key < $1.key }) {
      statistics.check(name, buffers[name] ?? [], value, tolerance: 1e-5)
    }
    print("ResNet-8 loss \(loss) vs reference \(expected.loss): relative error \(lossError)")
    print(log.summary)
    print(statistics.summary)
  }

  /// The reference network's loss against central differences for a few parameters spread over
  /// the stem, every stage, both batch-norm parameters and the head (relative 1e-5 above 1e-3).
  @Test func referenceNetworkMatchesFiniteDifferences() throws {
    let f = try Fixture()
    let p = NNTest.parameters(of: f.net)
    let expected = f.reference.gradients(f.x, labels: f.labels, p)
    let probes: [(String, Int)] = [
      ("stem.conv.weight", 5), ("stem.bn.weight", 3), ("stage1.block1.conv2.weight", 1000),
      ("stage2.block1.conv1.weight", 777), ("stage2.block1.bn1.bias", 7),
      ("stage3.block1.bn2.weight", 60), ("stage3.block1.conv2.weight", 12345),
      ("head.weight", 130), ("head.bias", 2),
    ]
    var worst = (error: 0.0, name: "")
    for (name, index) in probes {
      let numeric = centralDifference(p, name, index) {
        f.reference.loss(f.x, labels: f.labels, $0)
      }
      let analytic = expected.grads[name]!.data[index]
      let error = finiteDifferenceError(analytic, numeric)
      #expect(error <= 1e-5, "\(name)[\(index)]: analytic \(analytic), numeric \(numeric)")
      if !(error <= worst.error) { worst = (error, "\(name)[\(index)]") }
    }
    print("ResNet-8 reference vs finite differences: worst \(worst.error) (\(worst.name))")
  }
}
