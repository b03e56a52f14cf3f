import DNNL

/// The option-A shortcut of the CIFAR ResNets (He et al. 2016, §4.2): subsample by `stride`, then
/// pad channels with zeros. PyCIL's and MEMO's `DownsampleA` put every zero channel after the
/// input's (`torch.cat((x, x.mul(0)), 1)`), the default here; `.centered` puts half before, as
/// other CIFAR ResNet code does. It has no parameters.
///
/// Works directly on channel-blocked layouts (`nChw8c` on AVX2, `nChw16c` on AVX-512) when the
/// channel counts and the padding are whole blocks (16 → 32 pads 8 channels: one `nChw8c`
/// block), so a block's shortcut costs no reorder; otherwise it goes through plain `nchw`.
public struct ShortcutA: Sendable {
  public let inChannels: Int
  public let outChannels: Int
  public let stride: Int
  public let placement: Placement

  /// Where the zero channels go.
  public enum Placement: Sendable, Equatable {
    /// All after the input channels: PyCIL's and MEMO's `DownsampleA`.
    case trailing
    /// Half before and half after (`F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))`).
    case centered

    /// The output channel that carries input channel 0.
    public func firstChannel(input: Int, output: Int) -> Int {
      switch self {
      case .trailing: 0
      case .centered: (output - input) / 2
      }
    }
  }

  public init(inChannels: Int, outChannels: Int, stride: Int, placement: Placement = .trailing) {
    precondition(outChannels >= inChannels
                 && (placement == .trailing || (outChannels - inChannels) % 2 == 0),
                 "option-A shortcut cannot pad \(inChannels) → \(outChannels) \(placement)")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.stride = stride
    self.placement = placement
  }

  /// Zero channels before the input's.
  var padding: Int { placement.firstChannel(input: inChannels, output: outChannels) }

  public func outputShape(_ input: [Int]) -> [Int] {
    [input[0], outChannels, (input[2] + stride - 1) / stride, (input[3] + stride - 1) / stride]
  }

  /// The layout both tensors use: the input's channel-blocked one when blocks can be moved whole,
  /// else plain `nchw` (a block of 1).
  private func layout(for input: MemoryDescriptor) throws(DNNLError) -> (FormatTag, Int) {
    for (tag, block) in [(FormatTag.nChw8c, 8), (.nChw16c, 16)]
    where inChannels % block == 0 && padding % block == 0 {
      if input == (try input.with(tag)) { return (tag, block) }
    }
    return (.nchw, 1)
  }

  public func forward(_ x: Tensor, context: ComputeContext) throws(DNNLError) -> Tensor {
    precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                 "shortcut expects [N, \(inChannels), H, W], got \(x.shape)")
    if x.descriptor == (try x.descriptor.with(.nhwc)) {
      // Channels innermost (the layout of oneDNN's brgemm inference kernels).
      let y = try Tensor(MemoryDescriptor(outputShape(x.shape), .f32, .nhwc), context: context)
      copyChannelsLast(small: x, large: y, forward: true)
      return y
    }
    let (tag, block) = try layout(for: x.descriptor)
    let src = try x.reordered(to: x.descriptor.with(tag), context: context)
    let y = try Tensor(MemoryDescriptor(outputShape(x.shape), .f32, tag), context: context)
    copy(from: src, to: y, block: block, forward: true)
    return y
  }

  /// dL/dx: the gradient at the kept positions and channels, zero elsewhere.
  public func backward(_ dy: Tensor, inputShape: [Int], inputLayout: MemoryDescriptor,
                       context: ComputeContext) throws(DNNLError) -> Tensor
  {
    if inputLayout == (try inputLayout.with(.nhwc)) {
      let diffDst = try dy.reordered(to: dy.descriptor.with(.nhwc), context: context)
      let dx = try Tensor(MemoryDescriptor(inputShape, .f32, .nhwc), context: context)
      copyChannelsLast(small: dx, large: diffDst, forward: false)
      return dx
    }
    let (tag, block) = try layout(for: inputLayout)
    let diffDst = try dy.reordered(to: dy.descriptor.with(tag), context: context)
    let dx = try Tensor(MemoryDescriptor(inputShape, .f32, tag), context: context)
    dx.memory.floats.update(repeating: 0)
    copy(from: diffDst, to: dx, block: block, forward: false)
    return dx
  }

  /// `nhwc` version of `copy`: each kept pixel's `inChannels` values move as one run.
  private func copyChannelsLast(small: Tensor, large: Tensor, forward: Bool) {
    let (n, h, w) = (small.shape[0], small.shape[2], small.shape[3])
    let (oh, ow) = (large.shape[2], large.shape[3])
    let s = small.memory.floats.baseAddress!, l = large.memory.floats.baseAddress!
    (forward ? large : small).memory.floats.update(repeating: 0)
    for image in 0..<n {
      for y in 0..<oh {
        for x in 0..<ow {
          let sp = s + ((image * h + y * stride) * w + x * stride) * inChannels
          let lp = l + ((image * oh + y) * ow + x) * outChannels + padding
          if forward { lp.update(from: sp, count: inChannels) } else {
            sp.update(from: lp, count: inChannels)
          }
        }
      }
    }
  }

  /// Moves every kept element between the small (input-side) and large (output-side) tensor;
  /// channel blocks that carry no input channel stay zero.
  /// Offsets in a channel-blocked layout: ((n·CB + c/B)·H + h)·W·B + w·B + c mod B.
  private func copy(from source: Tensor, to destination: Tensor, block: Int, forward: Bool) {
    let small = forward ? source : destination, large = forward ? destination : source
    let (n, h, w) = (small.shape[0], small.shape[2], small.shape[3])
    let (oh, ow) = (large.shape[2], large.shape[3])
    let smallBlocks = (inChannels + block - 1) / block
    let largeBlocks = (outChannels + block - 1) / block
    let padBlocks = padding / block
    let s = small.memory.floats.baseAddress!, l = large.memory.floats.baseAddress!
    if forward { destination.memory.floats.update(repeating: 0) }
    for image in 0..<n {
      for cb in 0..<smallBlocks {
        let smallPlane = s + ((image * smallBlocks + cb) * h) * w * block
        let largePlane = l + ((image * largeBlocks + cb + padBlocks) * oh) * ow * block
        for y in 0..<oh {
          for x in 0..<ow {
            let sp = smallPlane + ((y * stride) * w + x * stride) * block
            let lp = largePlane + (y * ow + x) * block
            if forward { lp.update(from: sp, count: block) } else { sp.update(from: lp, count: block) }
          }
        }
      }
    }
  }
}
