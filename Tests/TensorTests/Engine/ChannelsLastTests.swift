import DNNL
import StrataTestSupport
import Testing
@testable import Tensor
@testable import TensorReference

/// Channels-last 16-channel convolutions between blocked layers: layouts that are the same bytes
/// under two names, views instead of copies, and the kernels and results `auto` gives with them.
@Suite struct ChannelsLastTests {
  /// `sharesBytes` against oneDNN's own reorder as the oracle: a reorder between two layouts
  /// leaves the bytes as they were exactly when the layouts place every element alike.
  @Test(arguments: [
    ([4, 16, 5, 7], FormatTag.nChw16c, FormatTag.nhwc, true),
    ([4, 8, 5, 7], .nChw8c, .nhwc, true),
    ([4, 16, 1, 1], .nchw, .nhwc, true),        // one pixel: channels are contiguous either way
    ([4, 32, 5, 7], .nChw16c, .nhwc, false),    // two channel blocks
    ([4, 16, 5, 7], .nChw8c, .nhwc, false),
    ([4, 16, 5, 7], .nchw, .nhwc, false),
    ([1, 16, 5, 7], .nChw16c, .nchw, false),
  ])
  func layoutsShareBytesExactlyWhenAReorderKeepsThem(
    _ dims: [Int], _ a: FormatTag, _ b: FormatTag, _ shares: Bool
  ) throws {
    let context = EngineCheck.context
    let first = try Tensor(MemoryDescriptor(dims, .f32, a), context: context)
    let second = try Tensor(MemoryDescriptor(dims, .f32, b), context: context)
    for i in first.memory.floats.indices { first.memory.floats[i] = Float(i) }
    try context.reorder(first.memory, into: second.memory)
    #expect((Array(first.memory.floats) == Array(second.memory.floats)) == shares)
    #expect(first.descriptor.sharesBytes(with: second.descriptor) == shares)
    #expect(second.descriptor.sharesBytes(with: first.descriptor) == shares)
  }

  /// A padded block (12 channels in a block of 16) never shares bytes with a dense layout.
  @Test func aPaddedBlockIsNotDense() throws {
    let padded = try MemoryDescriptor([4, 12, 5, 7], .f32, .nChw16c)
    #expect(!padded.sharesBytes(with: try padded.with(.nhwc)))
    #expect(padded.sharesBytes(with: padded))
  }

  /// Asking for the other name gives a view: the same storage (no copy), and it stays valid after the tensor it was made from is released.
  @Test func aRenamedTensorIsAViewThatOutlivesTheOriginal() throws {
    let context = EngineCheck.context
    var random = SeededRandom(seed: 3)
    let values = random.tensor([2, 16, 3, 3])
    var x: Tensor? = try EngineCheck.tensor(values, layout: .nChw16c)
    let view = try x!.reordered(to: x!.descriptor.with(.nhwc), context: context)
    #expect(view.memory.floats.baseAddress == x!.memory.floats.baseAddress)
    #expect(view.descriptor == (try view.descriptor.with(.nhwc)))
    x = nil
    try EngineCheck.expectClose(view, EngineCheck.float32(values), tolerance: 0,
                                "view after the original is gone")
    // A view of a view shares the first tensor's storage too.
    let again = try view.reordered(to: view.descriptor.with(.nChw16c), context: context)
    #expect(again.memory.floats.baseAddress == view.memory.floats.baseAddress)
  }

  /// With a row that asks for it, `auto` runs 16-channel layers' forward on oneDNN's `nhwc`
  /// (brgemm) kernel on AVX-512, hands the results on under the blocked name, and matches the
  /// Float64 reference in every pass; without it (or without AVX-512) the blocked kernel runs.
  @Test(arguments: [true, false])
  func sixteenChannelLayersRunChannelsLastWhereTheRowSays(_ asked: Bool) throws {
    let row = asked ? WinogradThresholds.amd : WinogradThresholds.amd.blocked
    let context = try ComputeContext(convolutionPolicy: .auto, winogradThresholds: row)
    let channelsLast = asked && LibraryVersion.hasAVX512Core
    let conv = Convolution(inChannels: 16, outChannels: 16, kernel: 3, stride: 1, padding: 1)
    var random = SeededRandom(seed: 11)
    let x = random.tensor([3, 16, 9, 9])
    let w = random.tensor([16, 16, 3, 3], -0.5, 0.5)
    let blocked: FormatTag = LibraryVersion.hasAVX512Core ? .nChw16c : .nChw8c
    let xt = try EngineCheck.tensor(x, layout: blocked), wt = try EngineCheck.tensor(w)

    let forwardKernel = try conv.trainingKernels(x.shape, context: context)[.forward]!
    #expect(forwardKernel.contains("brgconv") == channelsLast, "forward ran \(forwardKernel)")

    let y = try conv.forward(xt, weight: wt, training: true, context: context)
    #expect(y.descriptor == (try y.descriptor.with(blocked)), "forward gave \(y.descriptor)")
    let yRef = Reference.conv2d(x, weight: w, stride: 1, padding: 1)
    try EngineCheck.expectClose(y, yRef, tolerance: 1e-5, "forward")
    let dy = random.tensor(yRef.shape)
    let dyt = try EngineCheck.tensor(dy, layout: blocked)
    let (dxRef, dwRef) = Reference.conv2dBackward(x, weight: w, dy: dy, stride: 1, padding: 1)
    let dx = try conv.backwardData(inputShape: x.shape, dy: dyt, weight: wt, context: context)
    #expect(dx.descriptor == (try dx.descriptor.with(blocked)), "backward data gave \(dx.descriptor)")
    try EngineCheck.expectClose(dx, dxRef, tolerance: 1e-5, "backward data")
    let dw = try conv.backwardWeights(xt, dy: dyt, context: context)
    try EngineCheck.expectClose(dw, dwRef, tolerance: 1e-5, "backward weights")
  }
}
