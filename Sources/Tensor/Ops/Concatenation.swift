import DNNL

/// Concatenation of plain feature matrices along the feature axis: [N, F₁] ‖ … ‖ [N, Fₖ].
/// MEMO and DER join the features of their branches this way, oldest branch first.
public enum Concatenation {
  public static func forward(_ parts: [Tensor], context: ComputeContext) throws(DNNLError)
    -> Tensor
  {
    precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.count == 2 },
                 "concatenation takes [N, F] features")
    let n = parts[0].shape[0]
    let widths = parts.map { $0.shape[1] }
    let y = try Tensor(MemoryDescriptor([n, widths.reduce(0, +)], .f32, .nc), context: context)
    let out = y.memory.floats.baseAddress!
    var offset = 0
    for (part, width) in zip(parts, widths) {
      precondition(part.shape[0] == n, "concatenation of batches \(n) and \(part.shape[0])")
      let plain = try part.reordered(to: MemoryDescriptor(part.shape, .f32, .nc), context: context)
      let src = plain.memory.floats.baseAddress!
      for row in 0..<n {
        (out + row * y.shape[1] + offset).update(from: src + row * width, count: width)
      }
      offset += width
    }
    return y
  }

  /// Splits dL/dy back into the parts' gradients.
  public static func backward(_ dy: Tensor, widths: [Int], context: ComputeContext)
    throws(DNNLError) -> [Tensor]
  {
    let plain = try dy.reordered(to: MemoryDescriptor(dy.shape, .f32, .nc), context: context)
    let n = dy.shape[0], total = dy.shape[1]
    precondition(widths.reduce(0, +) == total, "widths \(widths) do not sum to \(total)")
    let src = plain.memory.floats.baseAddress!
    var offset = 0
    var parts: [Tensor] = []
    for width in widths {
      let part = try Tensor(MemoryDescriptor([n, width], .f32, .nc), context: context)
      let dst = part.memory.floats.baseAddress!
      for row in 0..<n { (dst + row * width).update(from: src + row * total + offset, count: width) }
      parts.append(part)
      offset += width
    }
    return parts
  }
}
