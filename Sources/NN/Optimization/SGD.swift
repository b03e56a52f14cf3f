import Tensor

/// Parameters that share a weight decay.
public struct ParameterGroup {
  public var parameters: [Parameter]
  public var weightDecay: Float

  public init(_ parameters: [Parameter], weightDecay: Float) {
    self.parameters = parameters
    self.weightDecay = weightDecay
  }
}

/// Stochastic gradient descent with momentum exactly as `torch.optim.SGD` (dampening 0, no
/// Nesterov): g ← g + wd·θ; v ← μ·v + g (v = g on the first step); θ ← θ − lr·v.
///
/// It knows parameters only, not layers. Frozen parameters and parameters without a gradient
/// are left alone, and so is their momentum.
public final class SGD {
  public var groups: [ParameterGroup]
  public var learningRate: Float
  public let momentum: Float
  /// Momentum buffers. Each entry holds its parameter strongly (as PyTorch's `optimizer.state`):
  /// keyed by identity alone, a released parameter's address could be reused by a new one,
  /// which would then inherit a stale buffer.
  private var velocity: [ObjectIdentifier: (parameter: Parameter, buffer: [Float])] = [:]

  public init(groups: [ParameterGroup], learningRate: Float, momentum: Float = 0.9) {
    self.groups = groups
    self.learningRate = learningRate
    self.momentum = momentum
  }

  public func step() {
    for group in groups {
      for parameter in group.parameters where parameter.isTrainable {
        guard let gradient = parameter.gradient else { continue }
        let theta = parameter.value.memory.floats, g = gradient.memory.floats
        let id = ObjectIdentifier(parameter)
        let fresh = velocity[id] == nil
        var v = velocity.removeValue(forKey: id)?.buffer
          ?? [Float](repeating: 0, count: parameter.count)
        let (wd, mu, lr) = (group.weightDecay, momentum, learningRate)
        v.withUnsafeMutableBufferPointer { v in
          for i in 0..<parameter.count {
            let d = g[i] + wd * theta[i]
            v[i] = fresh ? d : mu * v[i] + d
            theta[i] -= lr * v[i]
          }
        }
        velocity[id] = (parameter, v)
        parameter.markModified()
      }
    }
  }

  public func zeroGradients() {
    for group in groups { group.parameters.forEach { $0.zeroGradient() } }
  }

  /// The momentum buffer of a parameter (for checkpoints and tests), nil before its first step.
  public func momentumBuffer(of parameter: Parameter) -> [Float]? {
    velocity[ObjectIdentifier(parameter)]?.buffer
  }

  public func setMomentumBuffer(_ buffer: [Float], of parameter: Parameter) {
    precondition(buffer.count == parameter.count, "momentum of \(buffer.count) for \(parameter.shape)")
    velocity[ObjectIdentifier(parameter)] = (parameter, buffer)
  }
}
