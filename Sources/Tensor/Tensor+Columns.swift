import DNNL

extension Tensor {
  /// Columns `range` of an N×C tensor, as a plain N×`range.count` tensor: the logits of some
  /// classes (iCaRL's old classes, the probes' classes known before a task).
  public func columns(_ range: Range<Int>, context: ComputeContext) throws(DNNLError) -> Tensor {
    precondition(shape.count == 2 && range.upperBound <= shape[1],
                 "columns \(range) of a tensor of shape \(shape)")
    let (n, k) = (shape[0], shape[1])
    let values = try scalars(context: context)
    var kept: [Float] = []
    kept.reserveCapacity(n * range.count)
    for row in 0..<n { kept += values[(row * k + range.lowerBound)..<(row * k + range.upperBound)] }
    return try Tensor(shape: [n, range.count], scalars: kept, context: context)
  }
}
