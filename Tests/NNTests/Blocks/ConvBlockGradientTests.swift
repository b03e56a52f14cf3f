import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// A plain ConvNet's block (3×3 convolution with bias, BN with fused ReLU, 2×2/2 max pooling:
/// the MEMO code's `conv_block`) against the Float64 reference ops on L = Σ dy ⊙ y, with batch
/// norm in training mode (where the bias cancels and its gradient is 0) and in eval mode (where
/// it shifts the output and dL/db = Σ dL/dconv), and the folded evaluation forward.
@Suite struct ConvBlockGradientTests {
  static let layout = ConvBlockLayout(kernel: 3, stride: 1, padding: 1, bias: true,
                                      pool: .init(kernel: 2, stride: 2),
                                      initialization: .pytorchDefault)

  /// Reference forward and backward of conv (+ bias) → BN → ReLU → max pool.
  static func reference(_ x: RefTensor, _ dy: RefTensor, _ p: [String: RefTensor],
                        running: [String: [Double]]?)
    -> (y: RefTensor, dx: RefTensor, grads: [String: RefTensor],
        records: [ReferenceNetwork.BatchNormRecord])
  {
    var records: [ReferenceNetwork.BatchNormRecord] = []
    var c = Reference.conv2d(x, weight: p["conv.weight"]!, stride: 1, padding: 1)
    let bias = p["conv.bias"]!.data
    let plane = c.shape[2] * c.shape[3]
    for i in c.data.indices { c.data[i] += bias[(i / plane) % c.shape[1]] }
    let n = ReferenceNetwork.batchNorm(c, "bn", p, &records, running: running)
    let a = Reference.relu(n)
    let y = Reference.maxPool2d(a, kernel: 2, stride: 2, padding: 0)
    var grads: [String: RefTensor] = [:]
    let dA = Reference.maxPool2dBackward(a, dy: dy, kernel: 2, stride: 2, padding: 0)
    let dC = ReferenceNetwork.batchNormBackward(c, "bn", Reference.reluBackward(n, dy: dA), p,
                                                &grads, running: running)
    var dBias = [Double](repeating: 0, count: c.shape[1])
    for i in dC.data.indices { dBias[(i / plane) % c.shape[1]] += dC.data[i] }
    grads["conv.bias"] = RefTensor(shape: [c.shape[1]], data: dBias)
    let dx = ReferenceNetwork.convBackward(x, "conv", dC, stride: 1, padding: 1, p, &grads)
    return (y, dx, grads, records)
  }

  @Test(arguments: [true, false])
  func convBlockMatchesFloat64Reference(training: Bool) throws {
    let block = try ConvBlock(inChannels: 3, outChannels: 8, layout: Self.layout,
                              context: NNTest.context)
    Initialization.initialize(block, seed: 0xC0B)
    var random = SeededRandom(seed: 0xC0B)
    block.randomizeBatchNorms(&random)
    for (_, buffer) in block.namedBuffers() {
      _ = buffer.memory.floats.initialize(from: random.values(buffer.count, 0.5, 1.5)
        .map(Float.init))
    }
    block.bn.markStatisticsModified()
    block.setTraining(training)
    let x = random.float32Tensor([2, 3, 10, 10])
    let dy = random.float32Tensor([2, 8, 5, 5])
    let initialBuffers = try NNTest.buffers(of: block)
    let p = NNTest.parameters(of: block)
    #expect(p["conv.bias"]!.data.contains { $0 != 0 }, "PyTorch's default init draws the bias")

    // The folded evaluation forward (bias folded into the batch norm's shift) first.
    if !training {
      let folded = try block.forward(try NNTest.tensor(x), recording: false)
      var log = DiscrepancyLog("conv block, folded evaluation")
      log.check("y", try NNTest.ref(folded),
                Self.reference(x, dy, p, running: initialBuffers).y, tolerance: 1e-4)
      print(log.summary)
    }
    let y = try block.forward(try NNTest.tensor(x), recording: true)
    let dx = try #require(try block.backward(try NNTest.tensor(dy), inputGradient: true))
    let r = Self.reference(x, dy, p, running: training ? nil : initialBuffers)

    var log = DiscrepancyLog("conv block, batch norm in \(training ? "training" : "eval") mode")
    log.check("y", try NNTest.ref(y), r.y, tolerance: 1e-4)
    log.check("dx", try NNTest.ref(dx), r.dx, tolerance: 1e-4)
    let engineGrads = try NNTest.gradients(of: block)
    #expect(Set(engineGrads.keys) == ["conv.weight", "conv.bias", "bn.weight", "bn.bias"])
    for (name, g) in engineGrads.sorted(by: { $0.key < $1.key }) {
      if training && name == "conv.bias" {
        // Batch statistics cancel the bias: its gradient is 0 up to rounding on both sides, so
        // only the absolute size can be compared.
        #expect(g.data.map(abs).max()! < 1e-5, "d conv.bias \(g.data)")
        continue
      }
      log.check("d " + name, g, r.grads[name]!, tolerance: 1e-4)
    }
    if training {
      // The bias shifts the batch mean, so the running mean tracks it.
      let running = ReferenceNetwork.runningStatistics(initial: initialBuffers,
                                                       records: r.records)
      let buffers = try NNTest.buffers(of: block)
      for (name, value) in running.sorted(by: { $0.key < $1.key }) {
        log.check(name, buffers[name] ?? [], value, tolerance: 1e-5)
      }
    } else {
      let dBias = r.grads["conv.bias"]!.data
      #expect(dBias.map(abs).max()! > 1e-2, "in eval mode the bias has a real gradient")
    }
    print(log.summary)
  }
}
