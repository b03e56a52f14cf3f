import DNNL

extension Tensor {
  /// Samples `range` (along the first axis) as a plain tensor of their own.
  public func samples(_ range: Range<Int>, context: ComputeContext) throws(DNNLError) -> Tensor {
    precondition(range.lowerBound >= 0 && range.upperBound <= shape[0], "samples \(range) of \(shape)")
    let plain = try reordered(to: descriptor.with(Tensor.plainTag(rank: shape.count)),
                              context: context)
    var part = shape
    part[0] = range.count
    let result = try Tensor(MemoryDescriptor(part, .f32, Tensor.plainTag(rank: part.count)),
                            context: context)
    let width = count / shape[0]
    result.memory.floats.baseAddress!.update(
      from: plain.memory.floats.baseAddress! + range.lowerBound * width, count: range.count * width)
    return result
  }

  /// `parts` stacked along the first axis, as a plain tensor (their other axes must agree).
  public static func stacking(_ parts: [Tensor], context: ComputeContext) throws(DNNLError) -> Tensor {
    precondition(!parts.isEmpty, "stacking needs a tensor")
    let rest = Array(parts[0].shape.dropFirst())
    precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == rest },
                 "stacking tensors of shapes \(parts.map(\.shape))")
    let shape = [parts.reduce(0) { $0 + $1.shape[0] }] + rest
    let result = try Tensor(MemoryDescriptor(shape, .f32, plainTag(rank: shape.count)),
                            context: context)
    var destination = result.memory.floats.baseAddress!
    for part in parts {
      let plain = try part.reordered(to: part.descriptor.with(plainTag(rank: part.shape.count)),
                                     context: context)
      destination.update(from: plain.memory.floats.baseAddress!, count: part.count)
      destination += part.count
    }
    return result
  }
}
