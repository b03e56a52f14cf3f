import DNNL

/// Batch normalization over (N, H, W) per channel (Ioffe & Szegedy 2015), optionally with the
/// following ReLU fused into the same pass.
///
/// Training mode normalizes with the batch mean and biased variance and returns them; updating
/// running statistics is the caller's (PyTorch's rule, unbiased variance: see
/// `updateRunningStatistics`). Inference mode uses the running statistics. Both have a backward:
/// frozen, eval-mode blocks above trainable ones still pass gradients through. There dx is
/// dy·γ/√(σ² + ε) per channel (after the ReLU's mask), which needs neither x nor a batch-norm
/// backward: an inference forward that need not give dγ, dβ keeps no input (`keepsInput`).
public final class BatchNormalization: @unchecked Sendable {
  public let channels: Int
  public let epsilon: Float
  public let fusesReLU: Bool

  private let relu = ReLU()
  private let channelScale = ChannelScale()

  public init(channels: Int, epsilon: Float = 1e-5, fusesReLU: Bool = false) {
    self.channels = channels
    self.epsilon = epsilon
    self.fusesReLU = fusesReLU
  }

  /// What the backward pass of a forward needs.
  public struct Saved {
    /// The input; nil after an inference forward told it need not keep it.
    public let x: Tensor?
    /// The input's layout and shape.
    public let data: MemoryDescriptor
    public let mean: Tensor
    public let variance: Tensor
    public let workspace: Tensor?
    let training: Bool
  }

  private struct PlanKey: Hashable {
    let data: MemoryDescriptor
    let training: Bool
  }

  private final class Plan {
    let forward: Primitive
    var backward: [PropagationKind: Primitive] = [:]
    init(forward: Primitive) { self.forward = forward }
  }

  private var plans: [PlanKey: Plan] = [:]

  private var flags: PrimitiveDescriptor.NormalizationFlags {
    fusesReLU ? [.useScale, .useShift, .fuseReLU] : [.useScale, .useShift]
  }

  private func plan(_ data: MemoryDescriptor, training: Bool, context: ComputeContext)
    throws(DNNLError) -> Plan
  {
    let key = PlanKey(data: data, training: training)
    if let plan = plans[key] { return plan }
    let pd = try PrimitiveDescriptor.batchNormalizationForward(
      training ? .forwardTraining : .forwardInference, data: data, epsilon: epsilon,
      flags: training ? flags : flags.union(.useGlobalStatistics), engine: context.engine)
    let plan = Plan(forward: try Primitive(pd))
    plans[key] = plan
    return plan
  }

  /// Training forward: y = γ·(x − μ_B)/√(σ²_B + ε) + β with batch statistics μ_B, σ²_B (biased).
  public func forwardTraining(_ x: Tensor, scale: Tensor, shift: Tensor, context: ComputeContext)
    throws(DNNLError) -> (y: Tensor, saved: Saved)
  {
    precondition(x.shape[1] == channels, "batch norm of \(channels) channels got \(x.shape)")
    let primitive = try plan(x.descriptor, training: true, context: context).forward
    let pd = primitive.descriptor
    let y = try Tensor(pd.descriptor(for: .dst), context: context)
    let mean = try Tensor(pd.descriptor(for: .mean), context: context)
    let variance = try Tensor(pd.descriptor(for: .variance), context: context)
    var args: [(Argument, Memory)] = [(.src, x.memory), (.dst, y.memory),
                                      (.scale, scale.memory), (.shift, shift.memory),
                                      (.mean, mean.memory), (.variance, variance.memory)]
    var workspace: Tensor?
    let workspaceDescriptor = pd.descriptor(for: .workspace)
    if !workspaceDescriptor.isZero {
      workspace = try Tensor(workspaceDescriptor, context: context)
      args.append((.workspace, workspace!.memory))
    }
    try primitive.execute(context.stream, args)
    return (y, Saved(x: x, data: x.descriptor, mean: mean, variance: variance,
                     workspace: workspace, training: true))
  }

  /// Inference forward with running statistics (eval mode). `keepsInput` false: the backward
  /// will not be asked for dγ, dβ (frozen parameters), so x need not stay alive for it.
  public func forwardInference(_ x: Tensor, scale: Tensor, shift: Tensor, runningMean: Tensor,
                               runningVariance: Tensor, keepsInput: Bool = true,
                               context: ComputeContext)
    throws(DNNLError) -> (y: Tensor, saved: Saved)
  {
    precondition(x.shape[1] == channels, "batch norm of \(channels) channels got \(x.shape)")
    let primitive = try plan(x.descriptor, training: false, context: context).forward
    let y = try Tensor(primitive.descriptor.descriptor(for: .dst), context: context)
    try primitive.execute(context.stream, [(.src, x.memory), (.dst, y.memory),
                                           (.scale, scale.memory), (.shift, shift.memory),
                                           (.mean, runningMean.memory),
                                           (.variance, runningVariance.memory)])
    // An inference forward with fused ReLU keeps no workspace: backward recovers the mask by
    // recomputing, so keep y for that case.
    return (y, Saved(x: keepsInput ? x : nil, data: x.descriptor, mean: runningMean,
                     variance: runningVariance, workspace: fusesReLU ? y : nil, training: false))
  }

  /// dL/dx and, when `parameterGradients`, dL/dγ and dL/dβ. (`shift` is unused by the math, but
  /// oneDNN 2.6 refuses to run a backward built with `use_shift` without it.)
  public func backward(_ dy: Tensor, saved: Saved, scale: Tensor, shift: Tensor,
                       parameterGradients: Bool,
                       context: ComputeContext) throws(DNNLError)
    -> (dx: Tensor, dScale: Tensor?, dShift: Tensor?)
  {
    var diff = dy
    // Always the full backward: in training mode dx needs Σdy and Σdy·x̂, which are dβ and dγ,
    // so a data-only pass would save nothing (and oneDNN 2.6 has none with `use_shift`).
    let kind = PropagationKind.backward
    if !saved.training && fusesReLU {
      // oneDNN's global-statistics backward has no ReLU workspace: apply the ReLU mask from the
      // saved output first, then differentiate the plain normalization.
      diff = try relu.backward(dy, output: saved.workspace!, context: context)
    }
    if !saved.training && !parameterGradients {
      // Running statistics are constants: dx = dy·γ/√(σ² + ε), one per-channel multiply.
      let dx = try channelScale.forward(diff, scale: inferenceScale(scale, saved: saved),
                                        context: context)
      return (dx, nil, nil)
    }
    guard let x = saved.x else {
      preconditionFailure("batch norm parameter gradients after a forward that kept no input")
    }
    let plan = try plan(x.descriptor, training: saved.training, context: context)
    if plan.backward[kind] == nil {
      let forwardFlags = saved.training ? flags : flags.union(.useGlobalStatistics)
      let backwardFlags = (saved.training || !fusesReLU)
        ? forwardFlags : forwardFlags.subtracting(.fuseReLU)

      // A backward needs a forward-training hint, also for global statistics (eval mode).
      var hint = plan.forward.descriptor
      if !saved.training {
        hint = try PrimitiveDescriptor.batchNormalizationForward(
          .forwardTraining, data: x.descriptor, epsilon: epsilon,
          flags: backwardFlags, engine: context.engine)
      }
      let pd = try PrimitiveDescriptor.batchNormalizationBackward(
        kind, diffData: x.descriptor, data: x.descriptor, epsilon: epsilon,
        flags: backwardFlags, hint: hint, engine: context.engine)
      plan.backward[kind] = try Primitive(pd)
    }
    let primitive = plan.backward[kind]!
    let pd = primitive.descriptor
    diff = try diff.reordered(to: pd.descriptor(for: .diffDst), context: context)
    let dx = try Tensor(pd.descriptor(for: .diffSrc), context: context)
    var args: [(Argument, Memory)] = [(.src, x.memory), (.diffDst, diff.memory),
                                      (.mean, saved.mean.memory),
                                      (.variance, saved.variance.memory),
                                      (.scale, scale.memory), (.shift, shift.memory),
                                      (.diffSrc, dx.memory)]
    if saved.training, let workspace = saved.workspace { args.append((.workspace, workspace.memory)) }
    let perChannel = try MemoryDescriptor([channels], .f32, .x)
    let dScale = try Tensor(perChannel, context: context)
    let dShift = try Tensor(perChannel, context: context)
    args.append((.diffScale, dScale.memory))
    args.append((.diffShift, dShift.memory))
    try primitive.execute(context.stream, args)
    return parameterGradients ? (dx, dScale, dShift) : (dx, nil, nil)
  }

  /// γ/√(σ² + ε) per channel from the running statistics of an inference forward, in Float64.
  private func inferenceScale(_ scale: Tensor, saved: Saved) throws(DNNLError) -> [Float] {
    let gamma = scale.memory.floats, variance = saved.variance.memory.floats
    return (0..<channels).map { c in
      Float(Double(gamma[c]) / (Double(variance[c]) + Double(epsilon)).squareRoot())
    }
  }

  /// PyTorch's running-statistics update: r ← (1 − m)·r + m·b, with the batch variance made
  /// unbiased (× n/(n − 1), n = N·H·W) for the running variance.
  public static func updateRunningStatistics(
    runningMean: Tensor, runningVariance: Tensor, saved: Saved, momentum: Float
  ) {
    let shape = saved.data.dims
    let n = Float(shape.count == 4 ? shape[0] * shape[2] * shape[3] : shape[0])
    let correction = n > 1 ? n / (n - 1) : 1
    let rm = runningMean.memory.floats, rv = runningVariance.memory.floats
    let mean = saved.mean.memory.floats, variance = saved.variance.memory.floats
    for c in 0..<rm.count {
      rm[c] = (1 - momentum) * rm[c] + momentum * mean[c]
      rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * correction
    }
  }
}
