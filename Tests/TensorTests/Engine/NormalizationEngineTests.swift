import DNNL
import StrataTestSupport
import Testing
@testable import Tensor
@testable import TensorReference

@Suite struct NormalizationEngineTests {
  /// Shapes of batch norm inputs: maps in blocked and plain layouts, and features. The last is
  /// the shape of the former eval-mode forward/backward case, folded into
  /// `inferenceBackwardMatchesReferenceWithAndWithoutInput` (which covers it with and without
  /// the input kept, with and without the fused ReLU).
  static let layouts: [(shape: [Int], layout: FormatTag?)] = [
    ([4, 16, 5, 5], .nChw8c), ([4, 16, 5, 5], nil), ([3, 8, 4, 4], .nChw8c), ([6, 10], nil),
    ([3, 16, 4, 4], .nChw8c),
  ]

  @Test(arguments: layouts.indices, [false, true])
  func trainingForwardBackwardMatchReference(_ index: Int, fusesReLU: Bool) throws {
    let (shape, layout) = Self.layouts[index]
    let c = shape[1]
    var random = SeededRandom(seed: UInt64(11 + index))
    let x = random.tensor(shape, -2, 2)
    let gamma = random.values(c, 0.5, 1.5), beta = random.values(c, -0.5, 0.5)
    let dy = random.tensor(shape)

    // Reference: BN, then the ReLU as its own op when fused.
    var (yRef, stats) = Reference.batchNormTraining(x, gamma: gamma, beta: beta, epsilon: 1e-5)
    var dyBN = dy
    if fusesReLU {
      dyBN = Reference.reluBackward(yRef, dy: dy)
      yRef = Reference.relu(yRef)
    }
    let grads = Reference.batchNormTrainingBackward(x, gamma: gamma, dy: dyBN, epsilon: 1e-5)

    let context = EngineCheck.context
    let bn = BatchNormalization(channels: c, fusesReLU: fusesReLU)
    let scale = try EngineCheck.vector(gamma), shift = try EngineCheck.vector(beta)
    let (y, saved) = try bn.forwardTraining(try EngineCheck.tensor(x, layout: layout),
                                            scale: scale, shift: shift, context: context)
    try EngineCheck.expectClose(y, yRef, tolerance: 1e-5, "y")
    try EngineCheck.expectClose(try EngineCheck.ref(saved.mean).data, stats.mean, "mean")
    try EngineCheck.expectClose(try EngineCheck.ref(saved.variance).data, stats.variance,
                                "biased variance")

    let (dx, dScale, dShift) = try bn.backward(try EngineCheck.tensor(dy, layout: layout),
                                               saved: saved, scale: scale, shift: shift,
                                               parameterGradients: true, context: context)
    try EngineCheck.expectClose(dx, grads.dx, tolerance: 1e-4, "dx")
    try EngineCheck.expectClose(try EngineCheck.ref(dScale!).data, grads.dGamma, tolerance: 1e-4,
                                "dγ")
    try EngineCheck.expectClose(try EngineCheck.ref(dShift!).data, grads.dBeta, tolerance: 1e-4,
                                "dβ")

    // Data-only backward (a frozen BN) gives the same dx and computes no parameter gradients.
    let dataOnly = try bn.backward(try EngineCheck.tensor(dy, layout: layout), saved: saved,
                                   scale: scale, shift: shift, parameterGradients: false,
                                   context: context)
    try EngineCheck.expectClose(dataOnly.dx, grads.dx, tolerance: 1e-4, "dx (data only)")
    #expect(dataOnly.dScale == nil && dataOnly.dShift == nil)
  }

  @Test func runningStatisticsFollowPyTorch() throws {
    var random = SeededRandom(seed: 5)
    let x = random.tensor([4, 8, 3, 3], -1, 3)
    let context = EngineCheck.context
    let bn = BatchNormalization(channels: 8)
    let (_, saved) = try bn.forwardTraining(try EngineCheck.tensor(x, layout: .nChw8c),
                                            scale: try EngineCheck.vector(Array(repeating: 1, count: 8)),
                                            shift: try EngineCheck.vector(Array(repeating: 0, count: 8)),
                                            context: context)
    var meanRef = random.values(8), varianceRef = random.values(8, 0.5, 2)
    let runningMean = try EngineCheck.vector(meanRef)
    let runningVariance = try EngineCheck.vector(varianceRef)
    BatchNormalization.updateRunningStatistics(runningMean: runningMean,
                                               runningVariance: runningVariance, saved: saved,
                                               momentum: 0.1)
    Reference.updateRunningStatistics(mean: &meanRef, variance: &varianceRef,
                                      stats: Reference.batchNormStatistics(x), count: 4 * 9,
                                      momentum: 0.1)
    try EngineCheck.expectClose(try EngineCheck.ref(runningMean).data, meanRef, "running mean")
    try EngineCheck.expectClose(try EngineCheck.ref(runningVariance).data, varianceRef,
                                "running variance (unbiased)")
  }

  /// Eval mode in every case the layers use: dx alone from a forward that kept no input (a
  /// frozen batch norm: the per-channel multiply), dx with dγ and dβ (oneDNN's global-statistics
  /// backward), in blocked and plain layouts and on features.
  @Test(arguments: layouts.indices, [false, true])
  func inferenceBackwardMatchesReferenceWithAndWithoutInput(_ index: Int, fusesReLU: Bool) throws {
    let (shape, layout) = Self.layouts[index]
    let c = shape[1]
    var random = SeededRandom(seed: UInt64(41 + index))
    let x = random.tensor(shape, -2, 2), dy = random.tensor(shape)
    let gamma = random.values(c, 0.5, 1.5), beta = random.values(c, -0.5, 0.5)
    let mean = random.values(c, -0.5, 0.5), variance = random.values(c, 0.5, 2)
    var yRef = Reference.batchNormInference(x, gamma: gamma, beta: beta, runningMean: mean,
                                            runningVariance: variance, epsilon: 1e-5)
    var dyBN = dy
    if fusesReLU {
      dyBN = Reference.reluBackward(yRef, dy: dy)
      yRef = Reference.relu(yRef)
    }
    let grads = Reference.batchNormInferenceBackward(x, gamma: gamma, runningMean: mean,
                                                     runningVariance: variance, dy: dyBN,
                                                     epsilon: 1e-5)
    let context = EngineCheck.context
    let bn = BatchNormalization(channels: c, fusesReLU: fusesReLU)
    let scale = try EngineCheck.vector(gamma), shift = try EngineCheck.vector(beta)
    for keepsInput in [false, true] {
      let (y, saved) = try bn.forwardInference(
        try EngineCheck.tensor(x, layout: layout), scale: scale, shift: shift,
        runningMean: try EngineCheck.vector(mean),
        runningVariance: try EngineCheck.vector(variance), keepsInput: keepsInput,
        context: context)
      #expect((saved.x != nil) == keepsInput)
      try EngineCheck.expectClose(y, yRef, tolerance: 1e-5, "eval y")
      let dataOnly = try bn.backward(try EngineCheck.tensor(dy, layout: layout), saved: saved,
                                     scale: scale, shift: shift, parameterGradients: false,
                                     context: context)
      try EngineCheck.expectClose(dataOnly.dx, grads.dx, tolerance: 1e-5, "eval dx")
      #expect(dataOnly.dScale == nil && dataOnly.dShift == nil)
      guard keepsInput else { continue }
      let full = try bn.backward(try EngineCheck.tensor(dy, layout: layout), saved: saved,
                                 scale: scale, shift: shift, parameterGradients: true,
                                 context: context)
      try EngineCheck.expectClose(full.dx, grads.dx, tolerance: 1e-5, "eval dx (full)")
      try EngineCheck.expectClose(try EngineCheck.ref(full.dScale!).data, grads.dGamma,
                                  tolerance: 1e-4, "eval dγ")
      try EngineCheck.expectClose(try EngineCheck.ref(full.dShift!).data, grads.dBeta,
                                  tolerance: 1e-4, "eval dβ")
    }
  }

  /// Layouts of the per-channel multiply: batch norm's, a MEMO stage-3 map in the AVX-512
  /// blocking, channels that do not fill their blocks (20 of 32), and `nhwc`.
  static let scaleLayouts: [(shape: [Int], layout: FormatTag?)] = layouts + [
    ([2, 64, 3, 3], .nChw16c), ([3, 20, 4, 4], .nChw16c), ([3, 20, 4, 4], .nChw8c),
    ([2, 12, 3, 5], .nhwc),
  ]

  /// The per-channel multiply on its own, against the reference product, in every layout.
  @Test(arguments: scaleLayouts.indices)
  func channelScaleMatchesReference(_ index: Int) throws {
    let (shape, layout) = Self.scaleLayouts[index]
    var random = SeededRandom(seed: UInt64(61 + index))
    let x = random.tensor(shape, -2, 2)
    let factors = random.values(shape[1], -1.5, 1.5).map { Double(Float($0)) }
    var expected = x
    let spatial = shape.count == 4 ? shape[2] * shape[3] : 1
    for i in expected.data.indices {
      expected.data[i] = Double(Float(x.data[i])) * factors[(i / spatial) % shape[1]]
    }
    let y = try ChannelScale().forward(try EngineCheck.tensor(x, layout: layout),
                                       scale: factors.map(Float.init),
                                       context: EngineCheck.context)
    try EngineCheck.expectClose(y, expected, tolerance: 1e-6, "x·s")
  }

  /// The multiply gets its factors in the maps' own format, so oneDNN runs a jit kernel on the
  /// layout a convolution gives this CPU's activations (`nChw16c` on AVX-512) and on `nhwc`:
  /// plain factors against blocked maps ran `ref:any`, the slowest op of a MEMO training step.
  /// (`nChw8c` on an AVX-512 CPU still runs `ref:any`: oneDNN 2.6's jit wants the CPU's own
  /// block; no layer makes that layout there.)
  @Test func channelScaleRunsAJitKernelOnTheEnginesMaps() throws {
    let context = EngineCheck.context
    let convolution = Convolution(inChannels: 64, outChannels: 64, kernel: 3, stride: 1,
                                  padding: 1)
    let weight = try Tensor(zeros: convolution.weightShape, context: context)
    let x = try Tensor(zeros: [128, 64, 8, 8], context: context)
    let map = try convolution.forward(x, weight: weight, training: true, context: context)
    #expect(!map.isPlain, "the convolution gave a plain map, \(map.descriptor)")
    for layout in [map.descriptor, try map.descriptor.with(.nhwc)] {
      let kernel = try ChannelScale().kernel(for: layout, channels: 64, context: context)
      #expect(!kernel.hasPrefix("ref"), "channel scale on \(layout) ran \(kernel)")
    }
  }
}
