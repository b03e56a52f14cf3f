import DNNL
import Tensor

/// A convolution followed by an eval-mode batch norm, folded into one convolution with bias for
/// forward passes that record nothing (evaluation, probes, herding features):
/// W′ = W·γ/√(σ² + ε) per output channel, b′ = β + γ·(b − μ)/√(σ² + ε), with b the
/// convolution's own bias (0 without one).
///
/// The folded copy is rebuilt only when the weights, γ, β or the running statistics change.
/// Each call then runs one primitive instead of two passes of batch norm, with the block's ReLU
/// and residual add fused as post-ops.
final class FoldedConvolution {
  unowned let conv: Conv2D
  unowned let bn: BatchNorm
  private var key: [Int] = []
  private var weight: Tensor?
  private var bias: Tensor?
  private var layoutCopies: [MemoryDescriptor: Tensor] = [:]

  init(_ conv: Conv2D, _ bn: BatchNorm) {
    self.conv = conv
    self.bn = bn
  }

  /// Usable when nothing is recorded and batch norm normalizes with running statistics.
  func applies(recording: Bool) -> Bool { !recording && !bn.isTraining }

  /// `overwritingResidual`: the caller never reads `residual` again (see `fusedInference`).
  func forward(_ x: Tensor, residual: Tensor?, overwritingResidual: Bool = false, relu: Bool)
    throws -> Tensor
  {
    try refold()
    let layout = try conv.op.fusedWeightsLayout(x.shape, residual: residual != nil,
                                                relu: relu, context: conv.context)
    if layoutCopies[layout] == nil {
      layoutCopies[layout] = try weight!.reordered(to: layout, context: conv.context)
    }
    return try conv.op.fusedInference(x, weight: layoutCopies[layout]!, bias: bias!,
                                      residual: residual,
                                      overwritingResidual: overwritingResidual, relu: relu,
                                      context: conv.context)
  }

  private func refold() throws {
    let current = [conv.weight.version, conv.bias?.version ?? 0, bn.weight.version,
                   bn.bias.version, bn.statisticsVersion]
    guard current != key || weight == nil else { return }
    let shape = conv.weight.shape
    let perChannel = shape.dropFirst().reduce(1, *)
    let w = conv.weight.value.memory.floats
    let gamma = bn.weight.value.memory.floats, beta = bn.bias.value.memory.floats
    let mean = bn.runningMean.memory.floats, variance = bn.runningVariance.memory.floats
    let convBias = conv.bias?.scalars ?? [Float](repeating: 0, count: shape[0])
    var folded = [Float](repeating: 0, count: conv.weight.count)
    var shift = [Float](repeating: 0, count: shape[0])
    for o in 0..<shape[0] {
      // In Float64: the scale multiplies every weight of the channel.
      let scale = Double(gamma[o]) / (Double(variance[o]) + Double(bn.op.epsilon)).squareRoot()
      for i in 0..<perChannel {
        folded[o * perChannel + i] = Float(Double(w[o * perChannel + i]) * scale)
      }
      shift[o] = Float(Double(beta[o]) + (Double(convBias[o]) - Double(mean[o])) * scale)
    }
    weight = try Tensor(shape: shape, scalars: folded, context: conv.context)
    bias = try Tensor(shape: [shape[0]], scalars: shift, context: conv.context)
    layoutCopies = [:]
    key = current
  }
}
