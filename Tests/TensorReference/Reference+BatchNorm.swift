extension Reference {
  /// Per-channel statistics of one training batch, as batch normalization uses them.
  public struct BatchNormStats: Equatable, Sendable {
    /// The batch mean of each channel.
    public var mean: [Double]
    /// The BIASED batch variance of each channel, Σ(x − mean)² / n: the one training mode
    /// normalizes with (the unbiased one only enters the running estimate).
    public var variance: [Double]

    public init(mean: [Double], variance: [Double]) {
      precondition(
        mean.count == variance.count,
        "BatchNormStats: \(mean.count) means but \(variance.count) variances")
      self.mean = mean
      self.variance = variance
    }
  }

  /// The per-channel batch mean and biased variance of `x` ([N, C, H, W] over N, H and W, or
  /// [N, C] over N), computed in two passes.
  public static func batchNormStatistics(_ x: RefTensor) -> BatchNormStats {
    let layout = ChannelLayout(x, op: "batchNormStatistics")
    let m = Double(layout.perChannel)
    var mean = Array(repeating: 0.0, count: layout.channels)
    var variance = Array(repeating: 0.0, count: layout.channels)
    for c in 0..<layout.channels {
      var sum = 0.0
      layout.forEach(channel: c) { sum += x.data[$0] }
      mean[c] = sum / m
      var squares = 0.0
      layout.forEach(channel: c) { squares += (x.data[$0] - mean[c]) * (x.data[$0] - mean[c]) }
      variance[c] = squares / m
    }
    return BatchNormStats(mean: mean, variance: variance)
  }

  /// Batch normalization in training mode (Ioffe & Szegedy 2015, Algorithm 1; PyTorch's
  /// `BatchNorm2d`/`BatchNorm1d` with `training=True`):
  ///
  ///     y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c
  ///
  /// with μ_c and σ²_c the mean and BIASED variance of channel c over the batch (N, H, W for
  /// [N, C, H, W]; N for [N, C]). Returns the statistics for `updateRunningStatistics`. As in
  /// PyTorch, a channel needs more than one value in training mode.
  public static func batchNormTraining(
    _ x: RefTensor, gamma: [Double], beta: [Double], epsilon: Double
  ) -> (y: RefTensor, stats: BatchNormStats) {
    let layout = ChannelLayout(x, op: "batchNormTraining")
    layout.checkParameters(gamma: gamma, beta: beta, epsilon: epsilon, op: "batchNormTraining")
    precondition(
      layout.perChannel > 1,
      "batchNormTraining: expected more than 1 value per channel in training mode, got shape \(x.shape)"
    )
    let stats = batchNormStatistics(x)
    var y = RefTensor(zeros: x.shape)
    for c in 0..<layout.channels {
      let inverseStd = 1 / (stats.variance[c] + epsilon).squareRoot()
      layout.forEach(channel: c) { i in
        y.data[i] = gamma[c] * (x.data[i] - stats.mean[c]) * inverseStd + beta[c]
      }
    }
    return (y, stats)
  }

  /// The gradients of `batchNormTraining`, differentiating through the batch statistics.
  ///
  /// With x̂ = (x − μ)/√(σ² + ε) and m values per channel (Ioffe & Szegedy 2015, Section 3,
  /// the chain rule through μ and σ² collected into one expression):
  ///
  ///     dβ_c = Σ dy,   dγ_c = Σ dy · x̂,
  ///     dx = γ_c / (m √(σ²_c + ε)) · (m · dy − dβ_c − x̂ · dγ_c)
  ///
  /// The statistics are recomputed from `x`, so the call needs only what the forward had.
  public static func batchNormTrainingBackward(
    _ x: RefTensor, gamma: [Double], dy: RefTensor, epsilon: Double
  ) -> (dx: RefTensor, dGamma: [Double], dBeta: [Double]) {
    let layout = ChannelLayout(x, op: "batchNormTrainingBackward")
    layout.checkParameters(
      gamma: gamma, beta: nil, epsilon: epsilon, op: "batchNormTrainingBackward")
    precondition(
      dy.shape == x.shape,
      "batchNormTrainingBackward: dy has shape \(dy.shape), x has \(x.shape)")
    precondition(
      layout.perChannel > 1,
      "batchNormTrainingBackward: expected more than 1 value per channel, got shape \(x.shape)")
    let stats = batchNormStatistics(x)
    let m = Double(layout.perChannel)
    var dx = RefTensor(zeros: x.shape)
    var dGamma = Array(repeating: 0.0, count: layout.channels)
    var dBeta = Array(repeating: 0.0, count: layout.channels)
    for c in 0..<layout.channels {
      let inverseStd = 1 / (stats.variance[c] + epsilon).squareRoot()
      layout.forEach(channel: c) { i in
        let normalized = (x.data[i] - stats.mean[c]) * inverseStd
        dBeta[c] += dy.data[i]
        dGamma[c] += dy.data[i] * normalized
      }
      let scale = gamma[c] * inverseStd / m
      layout.forEach(channel: c) { i in
        let normalized = (x.data[i] - stats.mean[c]) * inverseStd
        dx.data[i] = scale * (m * dy.data[i] - dBeta[c] - normalized * dGamma[c])
      }
    }
    return (dx, dGamma, dBeta)
  }

  /// PyTorch's running-statistics update of batch normalization in training mode:
  ///
  ///     running_mean = (1 − momentum) · running_mean + momentum · μ
  ///     running_var  = (1 − momentum) · running_var  + momentum · σ² · n / (n − 1)
  ///
  /// The running variance takes the UNBIASED batch variance (Bessel's correction with
  /// n = N·H·W values per channel, or N for [N, C]), although normalization used the biased one.
  /// PyTorch's default momentum is 0.1.
  public static func updateRunningStatistics(
    mean: inout [Double], variance: inout [Double], stats: BatchNormStats, count n: Int,
    momentum: Double
  ) {
    precondition(
      mean.count == stats.mean.count && variance.count == stats.variance.count,
      "updateRunningStatistics: running statistics have \(mean.count)/\(variance.count) channels, the batch \(stats.mean.count)"
    )
    precondition(n > 1, "updateRunningStatistics: need more than 1 value per channel, got \(n)")
    precondition(
      momentum >= 0 && momentum <= 1,
      "updateRunningStatistics: momentum \(momentum) must lie in [0, 1]")
    let bessel = Double(n) / Double(n - 1)
    for c in 0..<mean.count {
      mean[c] = (1 - momentum) * mean[c] + momentum * stats.mean[c]
      variance[c] = (1 - momentum) * variance[c] + momentum * stats.variance[c] * bessel
    }
  }

  /// Batch normalization in inference mode (PyTorch's `training=False`): the running estimates
  /// replace the batch statistics, so the op is a per-channel affine map:
  ///
  ///     y = γ_c · (x − running_mean_c) / √(running_var_c + ε) + β_c
  public static func batchNormInference(
    _ x: RefTensor, gamma: [Double], beta: [Double], runningMean: [Double],
    runningVariance: [Double], epsilon: Double
  ) -> RefTensor {
    let layout = ChannelLayout(x, op: "batchNormInference")
    layout.checkParameters(gamma: gamma, beta: beta, epsilon: epsilon, op: "batchNormInference")
    layout.checkRunning(mean: runningMean, variance: runningVariance, op: "batchNormInference")
    var y = RefTensor(zeros: x.shape)
    for c in 0..<layout.channels {
      let inverseStd = 1 / (runningVariance[c] + epsilon).squareRoot()
      layout.forEach(channel: c) { i in
        y.data[i] = gamma[c] * (x.data[i] - runningMean[c]) * inverseStd + beta[c]
      }
    }
    return y
  }

  /// The gradients of `batchNormInference`. The statistics are constants here (as for a frozen
  /// MEMO branch in eval mode), so `dx = dy · γ_c / √(running_var_c + ε)`,
  /// `dγ_c = Σ dy · x̂` with x̂ normalized by the running statistics, and `dβ_c = Σ dy`.
  public static func batchNormInferenceBackward(
    _ x: RefTensor, gamma: [Double], runningMean: [Double], runningVariance: [Double],
    dy: RefTensor, epsilon: Double
  ) -> (dx: RefTensor, dGamma: [Double], dBeta: [Double]) {
    let layout = ChannelLayout(x, op: "batchNormInferenceBackward")
    layout.checkParameters(
      gamma: gamma, beta: nil, epsilon: epsilon, op: "batchNormInferenceBackward")
    layout.checkRunning(
      mean: runningMean, variance: runningVariance, op: "batchNormInferenceBackward")
    precondition(
      dy.shape == x.shape,
      "batchNormInferenceBackward: dy has shape \(dy.shape), x has \(x.shape)")
    var dx = RefTensor(zeros: x.shape)
    var dGamma = Array(repeating: 0.0, count: layout.channels)
    var dBeta = Array(repeating: 0.0, count: layout.channels)
    for c in 0..<layout.channels {
      let inverseStd = 1 / (runningVariance[c] + epsilon).squareRoot()
      layout.forEach(channel: c) { i in
        dx.data[i] = dy.data[i] * gamma[c] * inverseStd
        dGamma[c] += dy.data[i] * (x.data[i] - runningMean[c]) * inverseStd
        dBeta[c] += dy.data[i]
      }
    }
    return (dx, dGamma, dBeta)
  }
}

/// How a batch-norm input splits into channels: [N, C, H, W] (statistics over N, H, W) or
/// [N, C] (statistics over N).
private struct ChannelLayout {
  let batch: Int
  let channels: Int
  let spatial: Int

  init(_ x: RefTensor, op: String) {
    precondition(
      x.rank == 4 || x.rank == 2,
      "\(op): x must be [N, C, H, W] or [N, C], got shape \(x.shape)")
    batch = x.shape[0]
    channels = x.shape[1]
    spatial = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
  }

  /// The number of values each channel's statistics are taken over.
  var perChannel: Int { batch * spatial }

  /// Calls `body` with the offset of every element of channel `c`.
  func forEach(channel c: Int, _ body: (Int) -> Void) {
    for n in 0..<batch {
      let start = (n * channels + c) * spatial
      for s in 0..<spatial { body(start + s) }
    }
  }

  /// Checks γ (and β, where the op takes it) against the channel count, and ε.
  func checkParameters(gamma: [Double], beta: [Double]?, epsilon: Double, op: String) {
    precondition(
      gamma.count == channels,
      "\(op): gamma has \(gamma.count) entries for \(channels) channels")
    if let beta {
      precondition(
        beta.count == channels, "\(op): beta has \(beta.count) entries for \(channels) channels")
    }
    precondition(epsilon >= 0, "\(op): epsilon \(epsilon) must not be negative")
  }

  func checkRunning(mean: [Double], variance: [Double], op: String) {
    precondition(
      mean.count == channels && variance.count == channels,
      "\(op): running mean has \(mean.count) and variance \(variance.count) entries for \(channels) channels"
    )
  }
}
