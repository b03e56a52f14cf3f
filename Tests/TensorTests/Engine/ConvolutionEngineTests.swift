import DNNL
import StrataTestSupport
import Testing
@testable import Tensor

@Suite struct ConvolutionEngineTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let n, c, o, h, kernel, stride, padding: Int
    var testDescription: String { "\(c)→\(o) \(kernel)x\(kernel)/\(stride) pad \(padding) on \(h)x\(h)" }
  }

  static let cases = [
    Case(n: 2, c: 3, o: 16, h: 8, kernel: 3, stride: 1, padding: 1),   // CIFAR stem
    Case(n: 2, c: 16, o: 16, h: 8, kernel: 3, stride: 1, padding: 1),  // stage body
    Case(n: 3, c: 16, o: 32, h: 9, kernel: 3, stride: 2, padding: 1),  // stage entry, odd size
    Case(n: 2, c: 8, o: 16, h: 6, kernel: 1, stride: 2, padding: 0),   // projection shortcut
    Case(n: 1, c: 3, o: 8, h: 12, kernel: 7, stride: 2, padding: 3),   // ImageNet stem
  ]

  /// One context per algorithm preference, so both paths run whatever the environment says.
  static let contexts: [ConvolutionAlgorithm: ComputeContext] = {
    var contexts: [ConvolutionAlgorithm: ComputeContext] = [:]
    for algorithm in ConvolutionAlgorithm.allCases {
      do { contexts[algorithm] = try ComputeContext(preferredConvolution: algorithm) } catch {
        fatalError("no oneDNN engine: \(error)")
      }
    }
    return contexts
  }()

  @Test(arguments: cases, ConvolutionAlgorithm.allCases)
  func forwardAndBackwardMatchReference(_ k: Case, _ algorithm: ConvolutionAlgorithm) throws {
    var random = SeededRandom(seed: 7)
    let x = random.tensor([k.n, k.c, k.h, k.h])
    let w = random.tensor([k.o, k.c, k.kernel, k.kernel], -0.5, 0.5)
    let yRef = Reference.conv2d(x, weight: w, stride: k.stride, padding: k.padding)
    let dy = random.tensor(yRef.shape)
    let (dxRef, dwRef) = Reference.conv2dBackward(x, weight: w, dy: dy, stride: k.stride,
                                                  padding: k.padding)

    let context = Self.contexts[algorithm]!
    let conv = Convolution(inChannels: k.c, outChannels: k.o, kernel: k.kernel, stride: k.stride,
                           padding: k.padding)
    let xt = try EngineCheck.tensor(x), wt = try EngineCheck.tensor(w)
    let y = try conv.forward(xt, weight: wt, training: true, context: context)
    try EngineCheck.expectClose(y, yRef, tolerance: 1e-5, "forward")
    let inference = try conv.forward(xt, weight: wt, training: false, context: context)
    try EngineCheck.expectClose(inference, yRef, tolerance: 1e-5, "inference forward")

    let dyt = try EngineCheck.tensor(dy)
    let dx = try conv.backwardData(inputShape: x.shape, dy: dyt, weight: wt, context: context)
    try EngineCheck.expectClose(dx, dxRef, tolerance: 1e-5, "backward data")
    let dw = try conv.backwardWeights(xt, dy: dyt, context: context)
    try EngineCheck.expectClose(dw, dwRef, tolerance: 1e-5, "backward weights")
  }

  /// Winograd runs 3×3 stride-1 layers, in all three passes, exactly where oneDNN has it
  /// (AVX-512); everything else, and any layer when direct is asked for, runs direct.
  @Test(arguments: cases, ConvolutionAlgorithm.allCases)
  func winogradWhereOneDNNHasIt(_ k: Case, _ preferred: ConvolutionAlgorithm) throws {
    let conv = Convolution(inChannels: k.c, outChannels: k.o, kernel: k.kernel, stride: k.stride,
                           padding: k.padding)
    let kernels = try conv.trainingKernels([k.n, k.c, k.h, k.h], context: Self.contexts[preferred]!)
    let expectWinograd = preferred == .winograd && k.kernel == 3 && k.stride == 1
      && LibraryVersion.hasAVX512Core
    #expect(kernels.algorithm == (expectWinograd ? .winograd : .direct))
    for (pass, name) in [("forward", kernels.forward), ("backward data", kernels.backwardData),
                         ("backward weights", kernels.backwardWeights)] {
      #expect(name.contains("wino") == expectWinograd, "\(pass) runs \(name)")
    }
  }

  @Test func activationsStayBlockedBetweenLayers() throws {
    let context = EngineCheck.context
    let conv = Convolution(inChannels: 16, outChannels: 16, kernel: 3, stride: 1, padding: 1)
    var random = SeededRandom(seed: 1)
    let x = try EngineCheck.tensor(random.tensor([4, 16, 8, 8]), layout: .nChw8c)
    let w = try EngineCheck.tensor(random.tensor([16, 16, 3, 3]))
    let y = try conv.forward(x, weight: w, training: true, context: context)
    // nChw8c on AVX2, nChw16c on AVX-512: blocked on channels either way, never plain.
    let blocked = [try y.descriptor.with(.nChw8c), try y.descriptor.with(.nChw16c)]
    #expect(blocked.contains(y.descriptor), "dst layout \(y.descriptor)")
  }
}
