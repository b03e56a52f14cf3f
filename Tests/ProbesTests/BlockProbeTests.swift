import Testing
import Tensor
@testable import NN
@testable import Probes

/// Gradient norms and parameter shift against direct computations on a tiny ResNet.
@Suite struct BlockProbeTests {
  static func tinyStep() throws -> (ResNet, BlockSnapshot, BlockSnapshot, GradientNormProbe) {
    let context = try ComputeContext.shared()
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: context)
    Initialization.initialize(net, seed: 11)
    net.setTraining(true)
    var generator = SeededGenerator(seed: 12)
    let x = try Tensor(shape: [6, 3, 8, 8], scalars: (0..<(6 * 192)).map { _ in
      Float(generator.normal()) }, context: context)
    let before = BlockSnapshot(net)
    var probe = GradientNormProbe(blocks: net.namedBlocks.map(\.name))
    let logits = try net(x, recording: true)
    let (_, d) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: [0, 1, 2, 3, 4, 0], classes: 0..<5, context: context)
    try net.backward(d)
    probe.record(net)
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: 5e-4)], learningRate: 0.1)
    sgd.step()
    return (net, before, BlockSnapshot(net), probe)
  }

  /// The parameters of block `name` by their dotted prefix (`stage1.block1.`, `head.`).
  static func parameters(of net: ResNet, block name: String) -> [Parameter] {
    net.namedParameters().filter { $0.name.hasPrefix(name + ".") }.map(\.parameter)
  }

  @Test func gradientNormsEqualDirectComputation() throws {
    let (net, _, _, probe) = try Self.tinyStep()
    for (b, name) in probe.blocks.enumerated() {
      let parameters = Self.parameters(of: net, block: name)
      // SGD.step leaves the gradients in place, so they can be read after it.
      let squares = parameters.reduce(0.0) { total, p in
        total + (p.gradient.map { g in g.memory.floats.prefix(p.count).reduce(0.0) {
          $0 + Double($1) * Double($1) } } ?? 0)
      }
      let count = parameters.reduce(0) { $0 + $1.count }
      let (norm, normalized) = probe.means[b]
      #expect(abs(norm - squares.squareRoot()) <= 1e-12 * max(1, norm), "\(name): \(norm)")
      #expect(abs(normalized - squares.squareRoot() / Double(count).squareRoot()) <= 1e-12,
              "\(name) normalized")
      #expect(norm > 0, "\(name) got no gradient")
    }
  }

  @Test func shiftEqualsDirectComputation() throws {
    let (net, before, after, _) = try Self.tinyStep()
    let shifts = before.shift(to: after)
    for (b, name) in before.blocks.enumerated() {
      let old = before.parameters[b].map(Double.init)
      let new = Self.parameters(of: net, block: name).flatMap(\.scalars).map(Double.init)
      let diff = zip(old, new).reduce(0.0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }.squareRoot()
      let normOld = old.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      let normNew = new.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      let cosine = zip(old, new).reduce(0.0) { $0 + $1.0 * $1.1 } / (normOld * normNew)
      #expect(abs(shifts[b].relative - diff / normOld) < 1e-12, "\(name) relative shift")
      #expect(abs(shifts[b].cosineDistance - (1 - cosine)) < 1e-12, "\(name) cosine distance")
      #expect(shifts[b].relative > 0, "\(name) did not move")
    }
    // Batch norm statistics moved during the training forward; the head has none.
    #expect(shifts.first!.statisticsRelative > 0)
    #expect(shifts.last!.statisticsRelative.isNaN)
  }

  @Test func frozenBlocksHaveZeroGradientNorm() throws {
    let context = try ComputeContext.shared()
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: context)
    Initialization.initialize(net, seed: 13)
    net.stem.setTrainable(false)
    let x = try Tensor(shape: [4, 3, 8, 8], scalars: (0..<768).map { Float($0 % 7) / 7 },
                       context: context)
    let (_, d) = try SoftmaxCrossEntropy.forwardBackward(
      logits: try net(x, recording: true), labels: [0, 1, 2, 3], classes: 0..<5,
      context: context)
    try net.backward(d)
    var probe = GradientNormProbe(blocks: net.namedBlocks.map(\.name))
    probe.record(net)
    #expect(probe.means[0].norm == 0 && probe.means[0].normalized == 0)
    #expect(probe.means[1].norm > 0)
  }
}
