extension Reference {
  /// A fully connected layer, `y = x Wᵀ + b` (PyTorch's `nn.Linear`):
  ///
  ///     y[n, o] = Σ_i x[n, i] · W[o, i] + b[o]
  ///
  /// with `x` [N, I], `weight` [O, I] and `bias` of O entries; the output is [N, O].
  public static func linear(_ x: RefTensor, weight: RefTensor, bias: [Double]) -> RefTensor {
    let (n, inputs, outputs) = linearExtents(x, weight: weight, op: "linear")
    precondition(
      bias.count == outputs, "linear: bias has \(bias.count) entries for \(outputs) outputs")
    var y = RefTensor(zeros: [n, outputs])
    for row in 0..<n {
      for o in 0..<outputs {
        var sum = bias[o]
        for i in 0..<inputs { sum += x.data[row * inputs + i] * weight.data[o * inputs + i] }
        y.data[row * outputs + o] = sum
      }
    }
    return y
  }

  /// The gradients of `linear`: `dx = dy W` ([N, I]), `dW = dyᵀ x` ([O, I]) and
  /// `db = Σ_n dy[n, :]` (O entries). The bias does not enter any of them, so it is not taken.
  public static func linearBackward(_ x: RefTensor, weight: RefTensor, dy: RefTensor)
    -> (dx: RefTensor, dWeight: RefTensor, dBias: [Double])
  {
    let (n, inputs, outputs) = linearExtents(x, weight: weight, op: "linearBackward")
    precondition(
      dy.shape == [n, outputs],
      "linearBackward: dy has shape \(dy.shape), the forward output has \([n, outputs])")
    var dx = RefTensor(zeros: x.shape)
    var dWeight = RefTensor(zeros: weight.shape)
    var dBias = Array(repeating: 0.0, count: outputs)
    for row in 0..<n {
      for o in 0..<outputs {
        let g = dy.data[row * outputs + o]
        dBias[o] += g
        for i in 0..<inputs {
          dx.data[row * inputs + i] += g * weight.data[o * inputs + i]
          dWeight.data[o * inputs + i] += g * x.data[row * inputs + i]
        }
      }
    }
    return (dx, dWeight, dBias)
  }

  /// The checked (N, I, O) of a linear layer.
  private static func linearExtents(_ x: RefTensor, weight: RefTensor, op: String)
    -> (n: Int, inputs: Int, outputs: Int)
  {
    precondition(x.rank == 2, "\(op): x must be [N, I], got shape \(x.shape)")
    precondition(weight.rank == 2, "\(op): weight must be [O, I], got shape \(weight.shape)")
    precondition(
      weight.shape[1] == x.shape[1],
      "\(op): weight \(weight.shape) expects \(weight.shape[1]) inputs, x \(x.shape) has \(x.shape[1])"
    )
    return (x.shape[0], x.shape[1], weight.shape[0])
  }
}
