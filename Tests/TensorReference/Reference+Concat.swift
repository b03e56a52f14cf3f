extension Reference {
  /// Concatenation along axis 1 (`torch.cat(parts, dim=1)`): feature vectors [N, F_i] into
  /// [N, ΣF_i], or maps [N, C_i, H, W] into [N, ΣC_i, H, W]. MEMO concatenates the features of
  /// its branches this way, oldest first. All parts share every extent except axis 1.
  public static func concat(_ parts: [RefTensor]) -> RefTensor {
    let layout = ConcatLayout(parts.map(\.shape), op: "concat")
    var y = RefTensor(zeros: layout.outputShape)
    for n in 0..<layout.batch {
      var destination = n * layout.outputRow
      for part in parts {
        let row = part.shape[1] * layout.inner
        for k in 0..<row { y.data[destination + k] = part.data[n * row + k] }
        destination += row
      }
    }
    return y
  }

  /// The gradient of `concat`: `dy` split along axis 1 back into pieces of `partShapes`.
  public static func concatBackward(dy: RefTensor, partShapes: [[Int]]) -> [RefTensor] {
    let layout = ConcatLayout(partShapes, op: "concatBackward")
    precondition(
      dy.shape == layout.outputShape,
      "concatBackward: dy has shape \(dy.shape), the parts concatenate to \(layout.outputShape)")
    var gradients = partShapes.map { RefTensor(zeros: $0) }
    for n in 0..<layout.batch {
      var source = n * layout.outputRow
      for p in gradients.indices {
        let row = partShapes[p][1] * layout.inner
        for k in 0..<row { gradients[p].data[n * row + k] = dy.data[source + k] }
        source += row
      }
    }
    return gradients
  }
}

/// The checked extents of a concatenation along axis 1.
private struct ConcatLayout {
  /// N, the extent of axis 0.
  let batch: Int
  /// The product of the extents after axis 1 (H·W for maps, 1 for features).
  let inner: Int
  let outputShape: [Int]

  /// The elements of one sample of the output.
  var outputRow: Int { outputShape[1] * inner }

  init(_ shapes: [[Int]], op: String) {
    precondition(!shapes.isEmpty, "\(op): needs at least one part")
    let first = shapes[0]
    precondition(first.count >= 2, "\(op): parts must have rank 2 or more, got shape \(first)")
    for shape in shapes {
      precondition(
        shape.count == first.count && shape[0] == first[0]
          && Array(shape.dropFirst(2)) == Array(first.dropFirst(2)),
        "\(op): part shape \(shape) does not match \(first) outside axis 1")
    }
    batch = first[0]
    inner = first.dropFirst(2).reduce(1, *)
    var output = first
    output[1] = shapes.reduce(0) { $0 + $1[1] }
    outputShape = output
  }
}
