extension Reference {
  /// The rectified linear unit, `max(x, 0)` element by element (PyTorch's `F.relu` for finite
  /// x). NaN maps to 0 here, as in oneDNN's ReLU; PyTorch keeps NaN. That is why non-finite
  /// checks look at parameters and statistics, not only at outputs.
  public static func relu(_ x: RefTensor) -> RefTensor {
    RefTensor(shape: x.shape, data: x.data.map { $0 > 0 ? $0 : 0 })
  }

  /// The gradient of `relu`: `dy` where x > 0 and 0 where x ≤ 0. ReLU has no derivative at 0;
  /// the subgradient 0 there is PyTorch's choice (`threshold_backward` passes dy only where
  /// x > 0) and oneDNN's.
  public static func reluBackward(_ x: RefTensor, dy: RefTensor) -> RefTensor {
    precondition(dy.shape == x.shape, "reluBackward: dy has shape \(dy.shape), x has \(x.shape)")
    var dx = RefTensor(zeros: x.shape)
    for i in 0..<x.count where x.data[i] > 0 {
      dx.data[i] = dy.data[i]
    }
    return dx
  }

  /// The residual addition `a + b` of two tensors of one shape (no broadcasting).
  ///
  /// Its backward is the identity to both operands: `da = dy` and `db = dy`, which
  /// `addBackward(dy:)` spells out for symmetry with the other ops.
  public static func add(_ a: RefTensor, _ b: RefTensor) -> RefTensor {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    var y = a
    for i in 0..<y.count { y.data[i] += b.data[i] }
    return y
  }

  /// The gradients of `add`: the upstream gradient, unchanged, for each operand.
  public static func addBackward(dy: RefTensor) -> (da: RefTensor, db: RefTensor) {
    (dy, dy)
  }
}
