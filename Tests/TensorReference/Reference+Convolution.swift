extension Reference {
  /// 2-D convolution (cross-correlation, as every deep-learning framework) without bias:
  ///
  ///     y[n, o, i, j] = Σ_c Σ_ky Σ_kx  w[o, c, ky, kx] · x[n, c, i·s − p + ky, j·s − p + kx]
  ///
  /// with `s = stride` on both axes and `p = padding` zeros on all four sides; taps that fall in
  /// the padding contribute nothing. This is PyTorch's `nn.Conv2d(bias=False, dilation=1,
  /// groups=1)`: `x` is [N, C, H, W], `weight` [O, C, KH, KW], and the output
  /// [N, O, floor((H + 2p − KH)/s) + 1, floor((W + 2p − KW)/s) + 1].
  public static func conv2d(_ x: RefTensor, weight: RefTensor, stride: Int, padding: Int)
    -> RefTensor
  {
    let geometry = ConvGeometry(x: x, weight: weight, stride: stride, padding: padding)
    let (xs, ws, ys) = (geometry.input, geometry.weight, geometry.output)
    var y = RefTensor(zeros: ys.shape)
    for n in 0..<ys.n {
      for o in 0..<ys.c {
        for i in 0..<ys.h {
          for j in 0..<ys.w {
            var sum = 0.0
            for c in 0..<xs.c {
              for ky in 0..<ws.h {
                let row = i * stride - padding + ky
                if row < 0 || row >= xs.h { continue }
                for kx in 0..<ws.w {
                  let column = j * stride - padding + kx
                  if column < 0 || column >= xs.w { continue }
                  sum += weight.data[ws.offset(o, c, ky, kx)] * x.data[xs.offset(n, c, row, column)]
                }
              }
            }
            y.data[ys.offset(n, o, i, j)] = sum
          }
        }
      }
    }
    return y
  }

  /// The gradients of `conv2d` with respect to its input and its weights.
  ///
  /// Each output element y[n, o, i, j] is a sum of products w·x over its receptive field, so
  /// every tap sends `dy[n, o, i, j] · w` to the input element it read and
  /// `dy[n, o, i, j] · x` to the weight it used (the transposed convolution and the
  /// input–gradient correlation of PyTorch's `convolution_backward`). Taps in the padding send
  /// nothing. `dy` has the forward output's shape.
  public static func conv2dBackward(
    _ x: RefTensor, weight: RefTensor, dy: RefTensor, stride: Int, padding: Int
  ) -> (dx: RefTensor, dWeight: RefTensor) {
    let geometry = ConvGeometry(x: x, weight: weight, stride: stride, padding: padding)
    let (xs, ws, ys) = (geometry.input, geometry.weight, geometry.output)
    precondition(
      dy.shape == ys.shape,
      "conv2dBackward: dy has shape \(dy.shape), the forward output has \(ys.shape)")
    var dx = RefTensor(zeros: x.shape)
    var dWeight = RefTensor(zeros: weight.shape)
    for n in 0..<ys.n {
      for o in 0..<ys.c {
        for i in 0..<ys.h {
          for j in 0..<ys.w {
            let g = dy.data[ys.offset(n, o, i, j)]
            for c in 0..<xs.c {
              for ky in 0..<ws.h {
                let row = i * stride - padding + ky
                if row < 0 || row >= xs.h { continue }
                for kx in 0..<ws.w {
                  let column = j * stride - padding + kx
                  if column < 0 || column >= xs.w { continue }
                  let xi = xs.offset(n, c, row, column)
                  let wi = ws.offset(o, c, ky, kx)
                  dx.data[xi] += g * weight.data[wi]
                  dWeight.data[wi] += g * x.data[xi]
                }
              }
            }
          }
        }
      }
    }
    return (dx, dWeight)
  }
}

/// The checked extents of a convolution's input, weight and output.
private struct ConvGeometry {
  let input: NCHW
  let weight: NCHW
  let output: NCHW

  init(x: RefTensor, weight: RefTensor, stride: Int, padding: Int) {
    input = x.nchw("conv2d: x")
    self.weight = weight.nchw("conv2d: weight [O, I, KH, KW]")
    precondition(
      self.weight.c == input.c,
      "conv2d: weight \(weight.shape) expects \(self.weight.c) input channels, x \(x.shape) has \(input.c)"
    )
    precondition(stride >= 1, "conv2d: stride \(stride) must be at least 1")
    precondition(padding >= 0, "conv2d: padding \(padding) must not be negative")
    let h = Reference.windowOutputExtent(
      input: input.h, kernel: self.weight.h, stride: stride, padding: padding)
    let w = Reference.windowOutputExtent(
      input: input.w, kernel: self.weight.w, stride: stride, padding: padding)
    output = NCHW(n: input.n, c: self.weight.n, h: h, w: w)
  }
}
