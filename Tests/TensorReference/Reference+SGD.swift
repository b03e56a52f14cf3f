extension Reference {
  /// One step of stochastic gradient descent with momentum, exactly as `torch.optim.SGD` with
  /// dampening 0 and nesterov false (the setting of PyCIL and MEMO):
  ///
  ///     g' = g + weightDecay · θ                     (L2 penalty folded into the gradient)
  ///     v  = g'            on the first step          (the momentum buffer is created as g')
  ///     v  = μ · v + g'    afterwards
  ///     θ  = θ − learningRate · v
  ///
  /// `velocity` is the momentum buffer: pass `nil` before the first step and keep what comes
  /// back. With momentum 0 PyTorch keeps no buffer, so `velocity` is neither read nor written
  /// and the step is `θ −= learningRate · g'`.
  public static func sgdStep(
    parameter: inout [Double], gradient: [Double], velocity: inout [Double]?,
    learningRate: Double, momentum: Double, weightDecay: Double
  ) {
    precondition(
      gradient.count == parameter.count,
      "sgdStep: gradient has \(gradient.count) entries for \(parameter.count) parameters")
    precondition(momentum >= 0, "sgdStep: momentum \(momentum) must not be negative")
    precondition(weightDecay >= 0, "sgdStep: weight decay \(weightDecay) must not be negative")
    var step = gradient
    for i in step.indices { step[i] += weightDecay * parameter[i] }
    if momentum != 0 {
      if var buffer = velocity {
        precondition(
          buffer.count == parameter.count,
          "sgdStep: velocity has \(buffer.count) entries for \(parameter.count) parameters")
        for i in buffer.indices { buffer[i] = momentum * buffer[i] + step[i] }
        step = buffer
      }
      velocity = step
    }
    for i in parameter.indices { parameter[i] -= learningRate * step[i] }
  }
}
