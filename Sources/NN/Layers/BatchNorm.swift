import Tensor

/// Batch normalization (Ioffe & Szegedy 2015) with PyTorch's conventions: `weight` γ = 1,
/// `bias` β = 0, ε = 1e-5, running statistics updated with momentum 0.1 and the unbiased batch
/// variance. With `fusesReLU` the following ReLU runs in the same oneDNN pass.
public final class BatchNorm: Layer {
  public let weight: Parameter
  public let bias: Parameter
  public let runningMean: Tensor
  public let runningVariance: Tensor
  public let momentum: Float
  public private(set) var isTraining = true
  /// Bumped whenever the running statistics change (a training forward, a checkpoint load), so
  /// a convolution folded with them knows to refold.
  public private(set) var statisticsVersion = 0

  public func markStatisticsModified() { statisticsVersion &+= 1 }
  let op: BatchNormalization
  let context: ComputeContext
  private var saved: BatchNormalization.Saved?

  public init(channels: Int, fusesReLU: Bool = false, epsilon: Float = 1e-5,
              momentum: Float = 0.1, context: ComputeContext) throws
  {
    op = BatchNormalization(channels: channels, epsilon: epsilon, fusesReLU: fusesReLU)
    weight = Parameter(try Tensor(shape: [channels], scalars: Array(repeating: 1, count: channels),
                                  context: context))
    bias = Parameter(try Tensor(zeros: [channels], context: context))
    runningMean = try Tensor(zeros: [channels], context: context)
    runningVariance = try Tensor(shape: [channels], scalars: Array(repeating: 1, count: channels),
                                 context: context)
    self.momentum = momentum
    self.context = context
  }

  public var ownParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight), ("bias", bias)]
  }

  public var ownBuffers: [(name: String, tensor: Tensor)] {
    [("running_mean", runningMean), ("running_var", runningVariance)]
  }

  public func setTraining(_ training: Bool) { isTraining = training }

  public func forward(_ x: Tensor, recording: Bool) throws -> Tensor {
    let y: Tensor, saved: BatchNormalization.Saved
    if isTraining {
      (y, saved) = try op.forwardTraining(x, scale: weight.value, shift: bias.value,
                                          context: context)
      BatchNormalization.updateRunningStatistics(runningMean: runningMean,
                                                 runningVariance: runningVariance, saved: saved,
                                                 momentum: momentum)
      markStatisticsModified()
    } else {
      // Frozen γ, β (MEMO's old branches): the backward needs dx alone, which needs no x.
      (y, saved) = try op.forwardInference(x, scale: weight.value, shift: bias.value,
                                           runningMean: runningMean,
                                           runningVariance: runningVariance,
                                           keepsInput: weight.isTrainable || bias.isTrainable,
                                           context: context)
    }
    self.saved = recording ? saved : nil
    return y
  }

  public func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
    guard let saved else { preconditionFailure("BatchNorm.backward without a recorded forward") }
    self.saved = nil
    let trainable = weight.isTrainable || bias.isTrainable
    guard trainable || inputGradient else { return nil }
    let (dx, dScale, dShift) = try op.backward(dy, saved: saved, scale: weight.value,
                                               shift: bias.value, parameterGradients: trainable,
                                               context: context)
    if weight.isTrainable, let dScale { try weight.accumulate(dScale, context: context) }
    if bias.isTrainable, let dShift { try bias.accumulate(dShift, context: context) }
    return inputGradient ? dx : nil
  }
}
