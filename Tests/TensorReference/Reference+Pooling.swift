extension Reference {
  /// 2-D max pooling with a square `kernel`, one `stride` on both axes, and `padding` cells of
  /// −∞ on every side (PyTorch's `nn.MaxPool2d` with dilation 1 and `ceil_mode=False`):
  ///
  ///     y[n, c, i, j] = max over (ky, kx) of x[n, c, i·s − p + ky, j·s − p + kx]
  ///
  /// Padding cells never win, so a window's maximum is always a real input. As in PyTorch,
  /// `padding` may be at most `kernel / 2`, which keeps at least one real input in each window.
  /// The output is [N, C, floor((H + 2p − k)/s) + 1, floor((W + 2p − k)/s) + 1].
  public static func maxPool2d(_ x: RefTensor, kernel: Int, stride: Int, padding: Int)
    -> RefTensor
  {
    let pool = MaxPoolGeometry(x: x, kernel: kernel, stride: stride, padding: padding)
    var y = RefTensor(zeros: pool.output.shape)
    pool.forEachWindow(x) { outputOffset, inputOffset in
      y.data[outputOffset] = x.data[inputOffset]
    }
    return y
  }

  /// The gradient of `maxPool2d`: each output's gradient goes to the input that won its window.
  ///
  /// Tie-break (PyTorch's CPU kernel): the window is scanned in row-major order (ky, then kx)
  /// and a value replaces the current maximum only if strictly greater, so the FIRST maximal
  /// element gets the gradient. A NaN always replaces the maximum, as PyTorch's `isnan` test.
  /// Overlapping windows (stride < kernel) can send several gradients to one input; they add.
  public static func maxPool2dBackward(
    _ x: RefTensor, dy: RefTensor, kernel: Int, stride: Int, padding: Int
  ) -> RefTensor {
    let pool = MaxPoolGeometry(x: x, kernel: kernel, stride: stride, padding: padding)
    precondition(
      dy.shape == pool.output.shape,
      "maxPool2dBackward: dy has shape \(dy.shape), the forward output has \(pool.output.shape)")
    var dx = RefTensor(zeros: x.shape)
    pool.forEachWindow(x) { outputOffset, inputOffset in
      dx.data[inputOffset] += dy.data[outputOffset]
    }
    return dx
  }

  /// Global average pooling, [N, C, H, W] → [N, C]: `y[n, c] = Σ_{h,w} x[n, c, h, w] / (H·W)`
  /// (PyTorch's `F.adaptive_avg_pool2d(x, 1).flatten(1)`, or `AvgPool2d(8)` on the 8×8 maps of
  /// the CIFAR ResNets).
  public static func globalAveragePool(_ x: RefTensor) -> RefTensor {
    let xs = x.nchw("globalAveragePool: x")
    precondition(xs.h * xs.w > 0, "globalAveragePool: empty spatial extent in \(x.shape)")
    let area = Double(xs.h * xs.w)
    var y = RefTensor(zeros: [xs.n, xs.c])
    for n in 0..<xs.n {
      for c in 0..<xs.c {
        var sum = 0.0
        for h in 0..<xs.h {
          for w in 0..<xs.w { sum += x.data[xs.offset(n, c, h, w)] }
        }
        y.data[n * xs.c + c] = sum / area
      }
    }
    return y
  }

  /// The gradient of `globalAveragePool`: every element of map (n, c) receives
  /// `dy[n, c] / (H·W)`. `inputShape` is the forward input's [N, C, H, W].
  public static func globalAveragePoolBackward(dy: RefTensor, inputShape: [Int]) -> RefTensor {
    precondition(
      inputShape.count == 4,
      "globalAveragePoolBackward: inputShape \(inputShape) must be [N, C, H, W]")
    let xs = NCHW(n: inputShape[0], c: inputShape[1], h: inputShape[2], w: inputShape[3])
    precondition(
      dy.shape == [xs.n, xs.c],
      "globalAveragePoolBackward: dy has shape \(dy.shape), expected [\(xs.n), \(xs.c)]")
    precondition(xs.h * xs.w > 0, "globalAveragePoolBackward: empty spatial extent")
    let area = Double(xs.h * xs.w)
    var dx = RefTensor(zeros: inputShape)
    for n in 0..<xs.n {
      for c in 0..<xs.c {
        let share = dy.data[n * xs.c + c] / area
        for h in 0..<xs.h {
          for w in 0..<xs.w { dx.data[xs.offset(n, c, h, w)] = share }
        }
      }
    }
    return dx
  }
}

/// The checked geometry of a max pool and the scan that finds each window's winner.
private struct MaxPoolGeometry {
  let input: NCHW
  let output: NCHW
  let kernel: Int
  let stride: Int
  let padding: Int

  init(x: RefTensor, kernel: Int, stride: Int, padding: Int) {
    input = x.nchw("maxPool2d: x")
    precondition(kernel >= 1, "maxPool2d: kernel \(kernel) must be at least 1")
    precondition(input.h >= 1 && input.w >= 1, "maxPool2d: empty spatial extent in \(x.shape)")
    precondition(
      padding >= 0 && padding <= kernel / 2,
      "maxPool2d: padding \(padding) must lie in 0...kernel/2 = 0...\(kernel / 2) (as PyTorch)")
    output = NCHW(
      n: input.n, c: input.c,
      h: Reference.windowOutputExtent(
        input: input.h, kernel: kernel, stride: stride, padding: padding),
      w: Reference.windowOutputExtent(
        input: input.w, kernel: kernel, stride: stride, padding: padding))
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  /// Calls `body(outputOffset, winnerOffset)` for every output element, where the winner is
  /// the first maximal real input of the window in row-major order.
  func forEachWindow(_ x: RefTensor, _ body: (Int, Int) -> Void) {
    for n in 0..<output.n {
      for c in 0..<output.c {
        for i in 0..<output.h {
          for j in 0..<output.w {
            let rows = max(i * stride - padding, 0)..<min(i * stride - padding + kernel, input.h)
            let columns =
              max(j * stride - padding, 0)..<min(j * stride - padding + kernel, input.w)
            // Start at the window's first real cell, so an all −∞ window still has a winner.
            var winner = input.offset(n, c, rows.lowerBound, columns.lowerBound)
            var best = -Double.infinity
            for row in rows {
              for column in columns {
                let offset = input.offset(n, c, row, column)
                let value = x.data[offset]
                if value > best || value.isNaN {
                  best = value
                  winner = offset
                }
              }
            }
            body(output.offset(n, c, i, j), winner)
          }
        }
      }
    }
  }
}
