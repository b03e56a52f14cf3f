import Probes

/// Everything the probe run measured for one incremental task t ≥ 1, per block.
public struct TaskProbes: Sendable {
  /// 1-based index of the task (task 0 is the first, base task, which has no "before").
  public var task: Int
  /// Mean ‖∇θ_b L‖₂ over each epoch's iterations, [epoch][block].
  public var gradientNorm: [[Double]]
  /// The same divided by √|θ_b|, [epoch][block].
  public var gradientNormNormalized: [[Double]]
  /// Relative parameter shift at the end of each epoch against the start of the task,
  /// [epoch][block].
  public var epochShift: [[Double]]
  /// Shift from the end of task t − 1 to the end of task t, per block.
  public var shift: [ParameterShift]
  /// Linear CKA between the block's output before and after the task, on old-class and
  /// new-class probe images.
  public var ckaOld: [CKAResult]
  public var ckaNew: [CKAResult]
  /// Top-1 accuracy after this task on the classes of each task so far (NaN for later tasks).
  public var accuracy: [Double]
  /// Every iteration's gradient norms, when recorded per iteration (else empty).
  public var iterations: [IterationGradientNorm]
  /// Top-1 accuracy on the old and on the new classes with the body rewound from each legal
  /// split onward (`BlockRewind`), per split in forward order, when recorded (else empty).
  public var rewindOld: [Double] = []
  public var rewindNew: [Double] = []
  /// The same with only the blocks from each split onward (and the head) trained from the
  /// previous task's network (`BlockRetrain`), when recorded (else empty).
  public var retrainOld: [Double] = []
  public var retrainNew: [Double] = []
  /// ‖∇θ_b L‖₂ / ‖θ_b‖₂ averaged per epoch, [epoch][block] (empty: not measured, NaN in the file).
  public var gradientNormRelative: [[Double]] = []
  /// Mean per-filter angle change of the block's convolutions followed by BN, and the relative
  /// shift of its BN affine parameters, end of task t−1 to end of task t, per block (empty: NaN).
  public var filterAngleShift: [Double] = []
  public var affineShift: [Double] = []
  /// CKA between every block before (rows) and every block after (columns), on old-class and
  /// new-class probe images, when recorded (else empty).
  public var ckaMatrixOld: [[CKAResult]] = []
  public var ckaMatrixNew: [[CKAResult]] = []

  /// The values of a split probe: (old, new) per split.
  func values(_ probe: ProbeSchema.SplitProbe) -> (old: [Double], new: [Double]) {
    switch probe {
    case .rewind: (rewindOld, rewindNew)
    case .retrain: (retrainOld, retrainNew)
    }
  }

  public init(task: Int, gradientNorm: [[Double]], gradientNormNormalized: [[Double]],
              epochShift: [[Double]], shift: [ParameterShift], ckaOld: [CKAResult],
              ckaNew: [CKAResult], accuracy: [Double], iterations: [IterationGradientNorm] = [])
  {
    self.task = task
    self.gradientNorm = gradientNorm
    self.gradientNormNormalized = gradientNormNormalized
    self.epochShift = epochShift
    self.shift = shift
    self.ckaOld = ckaOld
    self.ckaNew = ckaNew
    self.accuracy = accuracy
    self.iterations = iterations
  }
}

/// The block gradient norms of one training iteration.
public struct IterationGradientNorm: Sendable, Equatable {
  /// 1-based epoch within the task.
  public var epoch: Int
  /// 0-based optimizer step within the task (the training loop's `step`).
  public var step: Int
  /// ‖∇θ_b L‖₂ and ‖∇θ_b L‖₂ / √|θ_b| per block.
  public var norm: [Double]
  public var normalized: [Double]

  public init(epoch: Int, step: Int, norm: [Double], normalized: [Double]) {
    self.epoch = epoch
    self.step = step
    self.norm = norm
    self.normalized = normalized
  }
}

/// How the probes were measured; written next to the numbers.
public struct ProbeSettings: Sendable, Equatable {
  public var probeImagesPerClass: Int
  /// Images per estimator batch; 0 for one batch holding the whole subset (debiased CKA).
  public var ckaBatchSize: Int
  /// "flatten" (C·H·W features) or "global_average_pool" (C features).
  public var ckaFeatures: String
  public var probeSet: String

  public init(probeImagesPerClass: Int, ckaBatchSize: Int, ckaFeatures: String, probeSet: String) {
    self.probeImagesPerClass = probeImagesPerClass
    self.ckaBatchSize = ckaBatchSize
    self.ckaFeatures = ckaFeatures
    self.probeSet = probeSet
  }
}
