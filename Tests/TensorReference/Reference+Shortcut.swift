import Tensor

extension Reference {
  /// Where option A puts its zero channels; shared with the engine's `ShortcutA`.
  public typealias ShortcutAPlacement = ShortcutA.Placement

  /// The parameter-free "option A" shortcut of the CIFAR ResNets (He et al. 2016, "Deep
  /// Residual Learning for Image Recognition", Section 4.2: "the shortcut still performs
  /// identity mapping, with extra zero entries padded for increasing dimensions", with stride 2
  /// where the feature map halves):
  ///
  ///     y = pad_channels(x[:, :, ::stride, ::stride])
  ///
  /// The spatial subsampling keeps rows and columns 0, s, 2s, … (ceil(H/s) × ceil(W/s), as a
  /// 1×1 average pool with stride s). `outChannels − C` zero channels are added; by default
  /// after the input channels by default, as PyCIL's `DownsampleA` does (see
  /// `ShortcutAPlacement` for the centered variant). With stride 1 and outChannels == C it
  /// is the identity.
  public static func shortcutA(
    _ x: RefTensor, outChannels: Int, stride: Int, placement: ShortcutAPlacement = .trailing
  ) -> RefTensor {
    let xs = x.nchw("shortcutA: x")
    let ys = shortcutAOutput(
      input: xs, outChannels: outChannels, stride: stride, placement: placement, op: "shortcutA")
    let first = placement.firstChannel(input: xs.c, output: ys.c)
    var y = RefTensor(zeros: ys.shape)
    for n in 0..<ys.n {
      for c in 0..<xs.c {
        for i in 0..<ys.h {
          for j in 0..<ys.w {
            y.data[ys.offset(n, first + c, i, j)] = x.data[xs.offset(n, c, i * stride, j * stride)]
          }
        }
      }
    }
    return y
  }

  /// The gradient of `shortcutA`: each sampled input element receives the gradient of the
  /// output element it was copied to; skipped rows and columns and the zero channels carry
  /// nothing back. `inputShape` is the forward input's [N, C, H, W]; `dy` the output's shape.
  public static func shortcutABackward(
    dy: RefTensor, inputShape: [Int], stride: Int, placement: ShortcutAPlacement = .trailing
  ) -> RefTensor {
    precondition(
      inputShape.count == 4, "shortcutABackward: inputShape \(inputShape) must be [N, C, H, W]")
    let xs = NCHW(n: inputShape[0], c: inputShape[1], h: inputShape[2], w: inputShape[3])
    let dys = dy.nchw("shortcutABackward: dy")
    let ys = shortcutAOutput(
      input: xs, outChannels: dys.c, stride: stride, placement: placement,
      op: "shortcutABackward")
    precondition(
      dys == ys,
      "shortcutABackward: dy has shape \(dy.shape), the forward output of \(inputShape) is \(ys.shape)"
    )
    let first = placement.firstChannel(input: xs.c, output: ys.c)
    var dx = RefTensor(zeros: inputShape)
    for n in 0..<ys.n {
      for c in 0..<xs.c {
        for i in 0..<ys.h {
          for j in 0..<ys.w {
            dx.data[xs.offset(n, c, i * stride, j * stride)] =
              dy.data[ys.offset(n, first + c, i, j)]
          }
        }
      }
    }
    return dx
  }

  /// The checked output extents of option A.
  private static func shortcutAOutput(
    input: NCHW, outChannels: Int, stride: Int, placement: ShortcutAPlacement, op: String
  ) -> NCHW {
    precondition(stride >= 1, "\(op): stride \(stride) must be at least 1")
    precondition(
      outChannels >= input.c,
      "\(op): outChannels \(outChannels) is fewer than the \(input.c) input channels")
    precondition(
      placement != .centered || (outChannels - input.c) % 2 == 0,
      "\(op): \(outChannels - input.c) added channels cannot be split evenly before and after")
    // Rows 0, s, 2s, … below H: ceil(H / s) of them.
    return NCHW(
      n: input.n, c: outChannels, h: (input.h + stride - 1) / stride,
      w: (input.w + stride - 1) / stride)
  }
}
