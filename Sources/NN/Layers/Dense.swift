import Tensor

/// A fully connected layer on feature vectors, y = x·Wᵀ + b, weights `[out, in]`: the classifier
/// ("head") of a network.
public final class Dense: Layer {
  public let weight: Parameter
  public let bias: Parameter
  let op: InnerProduct
  let context: ComputeContext
  private var input: Tensor?

  public init(inFeatures: Int, outFeatures: Int, context: ComputeContext) throws {
    op = InnerProduct(inFeatures: inFeatures, outFeatures: outFeatures)
    weight = Parameter(try Tensor(zeros: [outFeatures, inFeatures], context: context))
    bias = Parameter(try Tensor(zeros: [outFeatures], context: context))
    self.context = context
  }

  public var inFeatures: Int { op.inFeatures }
  public var outFeatures: Int { op.outFeatures }

  public var ownParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight), ("bias", bias)]
  }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    input = recording ? x : nil
    return try op.forward(x, weight: weight.value, bias: bias.value, context: context)
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    guard let x = input else { preconditionFailure("Dense.backward without a recorded forward") }
    input = nil
    if weight.isTrainable || bias.isTrainable {
      let (dWeight, dBias) = try op.backwardWeights(x, dy: dy, context: context)
      if weight.isTrainable { try weight.accumulate(dWeight, context: context) }
      if bias.isTrainable { try bias.accumulate(dBias, context: context) }
    }
    return inputGradient ? try op.backwardData(dy, weight: weight.value, context: context) : nil
  }
}
