import NN

/// Where to split a network into shared and specialized blocks, derived from its block
/// sensitivities (MEMO, Zhou et al., ICLR 2023, §3: shallow blocks stable, deep blocks
/// plastic). For each task and metric the values are min–max normalized over the body blocks;
/// a block's task score is the mean of its normalized metrics, its score the mean over tasks;
/// the split is the two-segment change point of the body scores in block order. Resampling
/// the tasks with replacement gives how often each split would be chosen.
public struct SplitDerivation: Sendable {
  public struct Settings: Sendable, Equatable {
    public var probeSet: CKAProbeSet
    public var bootstrapSamples: Int
    public var bootstrapSeed: UInt64
    /// Central coverage of the bootstrap interval of the chosen split.
    public var intervalLevel: Double

    public init(probeSet: CKAProbeSet = .old, bootstrapSamples: Int = 1000,
                bootstrapSeed: UInt64 = 1993, intervalLevel: Double = 0.9)
    {
      precondition(bootstrapSamples >= 1, "at least one bootstrap resample")
      precondition(intervalLevel > 0 && intervalLevel < 1, "interval level in (0, 1)")
      self.probeSet = probeSet
      self.bootstrapSamples = bootstrapSamples
      self.bootstrapSeed = bootstrapSeed
      self.intervalLevel = intervalLevel
    }
  }

  public enum Confidence: String, Sendable, Codable { case high, moderate, low }

  /// Thresholds of the confidence statement (README-split.md says why).
  public static let smallContrast = 0.25
  public static let highFrequency = 0.8
  public static let lowFrequency = 0.5

  public let sensitivities: BlockSensitivities
  public let settings: Settings
  /// [task][metric][block], min–max over the task's body blocks.
  public let normalized: [[[Double]]]
  /// [task][block]: the mean of the available normalized metrics.
  public let taskScores: [[Double]]
  /// [metric][block]: normalized values averaged over tasks.
  public let metricScores: [[Double]]
  /// [block]: task scores averaged over tasks.
  public let scores: [Double]
  /// The change point of the body scores; candidates are its boundaries k = 0…n.
  public let changePoint: ChangePoint
  /// Each metric's own change point (on its metric score).
  public let metricChangePoints: [ChangePoint]
  /// Spearman correlations of the metric scores across body blocks, by metric pair.
  public let rankCorrelations: [(pair: (SensitivityMetric, SensitivityMetric), value: Double)]
  /// Fraction of resamples choosing boundary k = 0…n (0 and n never: no step).
  public let bootstrapFrequency: [Double]
  /// Fraction of resamples with no increasing step.
  public let noSplitFrequency: Double
  /// Boundaries covering the central `intervalLevel` of the resamples' choices.
  public let interval: ClosedRange<Int>?
  public let confidence: Confidence
  /// What supports the recommendation, and what weakens it.
  public let evidence: [String]
  public let caveats: [String]
  /// Missing values and flat metrics left out.
  public let notes: [String]

  public init(_ sensitivities: BlockSensitivities, settings: Settings = Settings()) {
    self.sensitivities = sensitivities
    self.settings = settings
    let n = sensitivities.bodyCount, metrics = SensitivityMetric.allCases
    let tasks = sensitivities.tasks.indices
    var notes = sensitivities.notes
    let normalized = tasks.map { t in
      metrics.map { m in
        let row = Self.minMax(sensitivities.values[m.rawValue][t], body: n)
        if row.allSatisfy(\.isNaN) {
          notes.append("\(m.name(settings.probeSet)) at task \(sensitivities.tasks[t]): fewer "
                       + "than two distinct body values; the metric is left out of this task")
        }
        return row
      }
    }
    let blocks = sensitivities.blocks.indices
    let taskScores = normalized.map { task in
      blocks.map { b in meanIgnoringNaN(task.map { $0[b] }) }
    }
    let metricScores = metrics.map { m in
      blocks.map { b in meanIgnoringNaN(normalized.map { $0[m.rawValue][b] }) }
    }
    let scores = blocks.map { b in meanIgnoringNaN(taskScores.map { $0[b] }) }
    let changePoint = ChangePoint(Array(scores.prefix(n)))
    let metricChangePoints = metricScores.map { ChangePoint(Array($0.prefix(n))) }
    rankCorrelations = [(0, 1), (0, 2), (1, 2)].map { i, j in
      ((metrics[i], metrics[j]),
       spearmanCorrelation(Array(metricScores[i].prefix(n)), Array(metricScores[j].prefix(n))))
    }

    // Bootstrap over tasks: the probe file keeps one CKA estimate per task and block, not
    // per-batch values, so tasks are the only unit that can be resampled.
    var generator = SeededGenerator(seed: settings.bootstrapSeed)
    var counts = [Int](repeating: 0, count: n + 1), picks: [Int] = []
    for _ in 0..<settings.bootstrapSamples {
      let sample = tasks.map { _ in Int.random(in: tasks, using: &generator) }
      let profile = (0..<n).map { b in meanIgnoringNaN(sample.map { taskScores[$0][b] }) }
      if let k = ChangePoint(profile).best {
        counts[k] += 1
        picks.append(k)
      }
    }
    let samples = Double(settings.bootstrapSamples)
    let frequency = counts.map { Double($0) / samples }
    noSplitFrequency = Double(settings.bootstrapSamples - picks.count) / samples
    picks.sort()
    if picks.isEmpty {
      interval = nil
    } else {
      let tail = Int(((1 - settings.intervalLevel) / 2 * Double(picks.count - 1)).rounded(.down))
      interval = picks[tail]...picks[picks.count - 1 - tail]
    }
    let available = metricScores.filter { $0.prefix(n).filter { !$0.isNaN }.count >= 2 }.count
    (confidence, evidence, caveats) = Self.judge(
      changePoint: changePoint, metricChangePoints: metricChangePoints, available: available,
      frequency: frequency, samples: settings.bootstrapSamples,
      tasks: sensitivities.tasks.count, names: candidateNames(sensitivities))
    self.notes = notes
    self.normalized = normalized
    self.taskScores = taskScores
    self.metricScores = metricScores
    self.scores = scores
    self.changePoint = changePoint
    self.metricChangePoints = metricChangePoints
    bootstrapFrequency = frequency
  }

  /// Candidate split names for boundaries k = 0…n: the body blocks, then `none`.
  public var candidates: [String] { candidateNames(sensitivities) }

  /// The recommended boundary (the index into `candidates`), if any boundary steps up.
  public var recommended: Int? { changePoint.best }

  /// The metrics whose own change point picks boundary k.
  public func votes(_ k: Int) -> [SensitivityMetric] {
    SensitivityMetric.allCases.filter { metricChangePoints[$0.rawValue].best == k }
  }

  /// Min–max over the first `body` values: 0 for the least, 1 for the most sensitive body
  /// block; later values (the head) on the same scale. All NaN when fewer than two body values
  /// differ, so a metric that does not tell blocks apart in a task adds nothing to it.
  static func minMax(_ row: [Double], body: Int) -> [Double] {
    let values = row.prefix(body).filter { !$0.isNaN }
    guard let low = values.min(), let high = values.max(), high > low else {
      return row.map { _ in .nan }
    }
    return row.map { ($0 - low) / (high - low) }
  }

  private static func judge(changePoint: ChangePoint, metricChangePoints: [ChangePoint],
                            available: Int,
                            frequency: [Double], samples: Int, tasks: Int, names: [String])
    -> (Confidence, [String], [String])
  {
    guard let k = changePoint.best else {
      return (.low, [], ["no boundary where the deeper blocks score higher than the shallower "
                         + "ones: the scores do not support sharing the shallow blocks"])
    }
    let percent = { (x: Double) in "\(Int((100 * x).rounded()))%" }
    let voters = SensitivityMetric.allCases.filter { metricChangePoints[$0.rawValue].best == k }
    let contrast = changePoint.contrast(at: k)
    var evidence = [
      "the step at \(names[k]) explains \(percent(changePoint.explainedVariance(at: k))) of the "
        + "score variance across body blocks; specialized blocks score "
        + "\(formatted(contrast)) higher (0–1 units)",
      "\(voters.count) of \(available) metrics pick it alone"
        + (voters.isEmpty ? "" : " (" + voters.map { "\($0)" }.joined(separator: ", ") + ")"),
      "resampling the \(tasks) tasks \(samples) times picks it in \(percent(frequency[k]))",
    ]
    var low: [String] = [], moderate: [String] = []
    if contrast < smallContrast {
      low.append("the step is small (\(formatted(contrast)) < \(smallContrast) in 0–1 units): "
                 + "the blocks differ little or inconsistently across tasks")
    }
    if changePoint.isGradual {
      low.append("a straight line over block order fits the scores as well as the step "
                 + "(squared error \(formatted(changePoint.linearCost)) vs "
                 + "\(formatted(changePoint.costs[k]))): sensitivity rises gradually, so the "
                 + "boundary is a choice along a ramp")
    }
    if frequency[k] < lowFrequency {
      low.append("resampling the tasks picks it in only \(percent(frequency[k])) of resamples")
    } else if frequency[k] < highFrequency {
      moderate.append("resampling the tasks picks it in \(percent(frequency[k])) of resamples "
                      + "(< \(percent(highFrequency)))")
    }
    if 2 * voters.count <= available {
      moderate.append("only \(voters.count) of \(available) metrics pick it alone")
    }
    if tasks < 3 {
      moderate.append("only \(tasks) task(s) to resample: the bootstrap cannot show much spread")
    }
    if !low.isEmpty { return (.low, evidence, low + moderate) }
    if !moderate.isEmpty { return (.moderate, evidence, moderate) }
    evidence.append("the split is a clear step, consistent across tasks and metrics")
    return (.high, evidence, [])
  }
}

private func candidateNames(_ s: BlockSensitivities) -> [String] { s.bodyBlocks + ["none"] }

/// Three decimals, for messages.
func formatted(_ x: Double) -> String {
  x.isNaN ? "NaN" : String(Double((x * 1000).rounded()) / 1000)
}

extension SensitivityMetric: CustomStringConvertible {
  public var description: String {
    switch self {
    case .gradient: "gradient"
    case .shift: "shift"
    case .representation: "CKA"
    }
  }
}
