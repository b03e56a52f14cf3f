import CIL
import Common
import Foundation
import NN
import Recording

/// Everything `strata split` reports: the recommendation with its confidence and uncertainty,
/// the per-block scores, the table of candidate splits with the ledger's figures, and the
/// verification plan. It is `split.json` as it is (snake_case keys, NaN as null), and the
/// source of the HDF5 group.
public struct SplitReport: Codable, Sendable, Equatable {
  public struct Method: Codable, Sendable, Equatable {
    public var metrics: [String]
    public var ckaProbeSet: String
    public var normalization: String
    public var aggregation: String
    public var changePoint: String
    public var tieBreak: String
    public var confidenceRule: String
  }

  public struct Uncertainty: Codable, Sendable, Equatable {
    /// What is resampled: "task" (the probe file has no per-batch values to resample).
    public var unit: String
    public var note: String
    public var samples: Int
    public var seed: UInt64
    public var level: Double
    /// First and last split of the central `level` of the resamples' choices.
    @ExplicitNull public var interval: [String]?
    public var noSplitFrequency: Double
  }

  public struct Metric: Codable, Sendable, Equatable {
    public var metric: String
    /// Mean over tasks of the value in the probe file.
    @ExplicitNull public var raw: Double?
    /// Mean over tasks of the min–max normalized value.
    @ExplicitNull public var normalized: Double?
  }

  public struct Block: Codable, Sendable, Equatable {
    public var block: String
    /// shared, specialized, head, or undecided (no recommendation).
    public var role: String
    @ExplicitNull public var score: Double?
    public var metrics: [Metric]
    public var parameters: Int
  }

  public struct Candidate: Codable, Sendable, Equatable {
    public var split: String
    public var sharedBlocks: Int
    @ExplicitNull public var changePointCost: Double?
    @ExplicitNull public var explainedVariance: Double?
    @ExplicitNull public var contrast: Double?
    public var metricVotes: [String]
    public var bootstrapFrequency: Double
    public var sharedParameters: Int
    public var specializedParameters: Int
    public var modelParameters: Int
    public var modelBytes: Int
    public var specializedExemplarEquivalents: Double
    @ExplicitNull public var exemplars: Int?
    public var planRoles: [String]
  }

  public struct RankCorrelation: Codable, Sendable, Equatable {
    public var metrics: [String]
    @ExplicitNull public var spearman: Double?
  }

  public struct MetricSplit: Codable, Sendable, Equatable {
    public var metric: String
    /// nil when the metric alone has no increasing step.
    @ExplicitNull public var split: String?
  }

  /// Where the probe run came from (the probe file's root attributes).
  public struct Source: Codable, Sendable, Equatable {
    public var strataVersion: String
    public var gitCommit: String
    public var commandLine: String
    public var spec: String
    public var seed: Int64
    public var libraryVersions: String
    public var threads: Int32
  }

  public struct PlanCandidate: Codable, Sendable, Equatable {
    public var split: String
    public var roles: [String]
    public var learner: String
    public var modelBytes: Int
    @ExplicitNull public var exemplars: Int?
  }

  public struct Plan: Codable, Sendable, Equatable {
    public var architecture: String
    public var tasks: Int
    public var imageBytes: Int
    public var budget: String
    public var budgetBytes: Int
    public var candidates: [PlanCandidate]
  }

  public var probeFile: String
  public var architecture: String
  public var tasks: [Int]
  @ExplicitNull public var recommendedSplit: String?
  public var confidence: String
  public var evidence: [String]
  public var caveats: [String]
  public var uncertainty: Uncertainty
  public var method: Method
  public var blocks: [Block]
  public var candidates: [Candidate]
  /// Each metric's own change point.
  public var metricSplits: [MetricSplit]
  public var rankCorrelations: [RankCorrelation]
  public var verificationPlan: Plan
  public var notes: [String]
  /// The probe run's provenance (its spec, seed, versions).
  public var probeProvenance: Source
  /// The split rule's decision (`SplitEvidence`), which `recommendedSplit` follows; absent in
  /// split.json files written before it existed.
  public var decision: Decision?
}

extension SplitReport {
  static let normalization = "per task and metric, min-max over the body blocks (0 = the "
    + "task's least, 1 = its most sensitive body block); the head on the same scale, never a "
    + "split; a metric whose body values are all equal in a task is left out of that task"
  static let aggregation = "a block's task score is the mean of its available normalized "
    + "metrics; its score the mean over the recorded tasks t >= 1 (NaN values left out)"
  static let changePoint = "two-segment step over the body blocks in forward order: the "
    + "boundary k minimizing the within-segment squared error, among steps that increase "
    + "(shared blocks below, specialized above); a split is named by its first specialized block"
  static let tieBreak = "equal cost: the later boundary (the same fit with fewer specialized "
    + "parameters)"
  static let confidenceRule = "low: no increasing step, contrast < \(SplitDerivation.smallContrast), "
    + "a straight line fits as well as the step, or bootstrap frequency < "
    + "\(SplitDerivation.lowFrequency); high: bootstrap frequency >= "
    + "\(SplitDerivation.highFrequency), a majority of metrics pick it alone, >= 3 tasks; "
    + "moderate otherwise"

  /// The report of `derivation` for the probe run `run` with its verification `plan`.
  public init(_ derivation: SplitDerivation, run: ProbeRun, plan: VerificationPlan,
              record: ProbeRecord)
  {
    let s = derivation.sensitivities, set = derivation.settings.probeSet
    let metrics = SensitivityMetric.allCases
    let names = derivation.candidates, n = s.bodyCount
    let recommended = derivation.recommended
    let registry = run.ledger.registry
    probeFile = record.path
    architecture = run.architecture.name
    tasks = s.tasks
    recommendedSplit = recommended.map { names[$0] }
    confidence = derivation.confidence.rawValue
    evidence = derivation.evidence
    caveats = derivation.caveats
    uncertainty = Uncertainty(
      unit: "task",
      note: "tasks resampled with replacement; the probe file keeps one value per task and "
        + "block (no per-batch CKA or gradient values), so probe batches cannot be resampled",
      samples: derivation.settings.bootstrapSamples, seed: derivation.settings.bootstrapSeed,
      level: derivation.settings.intervalLevel,
      interval: derivation.interval.map { [names[$0.lowerBound], names[$0.upperBound]] },
      noSplitFrequency: derivation.noSplitFrequency)
    method = Method(metrics: metrics.map { $0.name(set) }, ckaProbeSet: set.rawValue,
                    normalization: Self.normalization, aggregation: Self.aggregation,
                    changePoint: Self.changePoint, tieBreak: Self.tieBreak,
                    confidenceRule: Self.confidenceRule)
    blocks = s.blocks.enumerated().map { b, name in
      Block(block: name, role: Self.role(b, body: n, split: recommended),
            score: finite(derivation.scores[b]),
            metrics: metrics.map { m in
              Metric(metric: m.name(set), raw: finite(meanIgnoringNaN(s.values[m.rawValue].map { $0[b] })),
                     normalized: finite(derivation.metricScores[m.rawValue][b]))
            },
            parameters: registry.entries[b].parameterCount)
    }
    let entries = run.ledger.entries(tasks: plan.tasks, budget: plan.budgetBytes)
    candidates = entries.enumerated().map { k, entry in
      Candidate(
        split: names[k], sharedBlocks: k,
        changePointCost: finite(derivation.changePoint.costs[k]),
        explainedVariance: finite(derivation.changePoint.explainedVariance(at: k)),
        contrast: finite(derivation.changePoint.contrast(at: k)),
        metricVotes: derivation.votes(k).map { $0.name(set) },
        bootstrapFrequency: derivation.bootstrapFrequency[k],
        sharedParameters: entry.sharedParameters, specializedParameters: entry.specializedParameters,
        modelParameters: entry.modelParameters, modelBytes: entry.modelBytes,
        specializedExemplarEquivalents: run.ledger.exemplarEquivalents(
          bytes: MemoryLedger.bytesPerParameter * entry.specializedParameters),
        exemplars: entry.exemplars,
        planRoles: plan.candidate(entry.split)?.roles.map(\.rawValue) ?? [])
    }
    metricSplits = metrics.map { m in
      MetricSplit(metric: m.name(set),
                  split: derivation.metricChangePoints[m.rawValue].best.map { names[$0] })
    }
    rankCorrelations = derivation.rankCorrelations.map {
      RankCorrelation(metrics: [$0.pair.0.name(set), $0.pair.1.name(set)], spearman: finite($0.value))
    }
    verificationPlan = Plan(
      architecture: plan.architecture, tasks: plan.tasks, imageBytes: plan.imageBytes,
      budget: plan.budget.description, budgetBytes: plan.budgetBytes,
      candidates: plan.candidates.map {
        PlanCandidate(split: $0.split.description, roles: $0.roles.map(\.rawValue),
                      learner: $0.learner.rawValue, modelBytes: $0.ledger.modelBytes,
                      exemplars: $0.exemplars)
      })
    notes = derivation.notes
    let p = record.provenance
    probeProvenance = Source(
      strataVersion: p.strataVersion, gitCommit: p.gitCommit, commandLine: p.commandLine,
      spec: p.spec, seed: p.seed,
      libraryVersions: p.libraries.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        .joined(separator: "; "),
      threads: p.threads)
    precondition(candidates.count == names.count, "ledger splits and candidates disagree")
  }

  static func role(_ b: Int, body: Int, split: Int?) -> String {
    guard b < body else { return "head" }
    guard let split else { return "undecided" }
    return b < split ? "shared" : "specialized"
  }

  /// `split.json`, written to `<path>.partial` and renamed over `path`.
  public func writeJSON(to path: String) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      try writeAtomically(try encoder.encode(self), to: path)
    } catch let error as RecordingError {
      throw SplitError(file: path, message: error.message)
    }
  }

  /// Reads a `split.json` (for `strata verify` and `strata report`). Errors name the file and
  /// the key path as the file spells it (`blocks[3].score`), or the line and column of broken
  /// JSON.
  public static func readJSON(_ path: String) throws -> SplitReport {
    let data: Data
    do {
      data = try JSONSyntax.contents(of: path)
    } catch {
      throw SplitError(file: path, message: "cannot read: \(error.message)")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let report: SplitReport
    do {
      report = try JSONSyntax.decode(SplitReport.self, from: data, with: decoder, keyName: snakeCase)
    } catch {
      throw SplitError(file: path,
                       message: error.located + " (not a split.json as strata split writes it)")
    }
    try report.check(file: path)
    return report
  }

  /// What the readers index by: block names are unique (the report keys its table by them) and
  /// the recommendation is one of the candidates.
  func check(file: String) throws {
    var seen = Set<String>()
    for (i, block) in blocks.enumerated() where !seen.insert(block.block).inserted {
      throw SplitError(file: file, message: "blocks[\(i)].block: \"\(block.block)\" appears twice")
    }
    if let recommendedSplit, !candidates.contains(where: { $0.split == recommendedSplit }) {
      throw SplitError(file: file, message: "recommended_split: \"\(recommendedSplit)\" is none "
        + "of the candidates' splits (\(candidates.map(\.split).joined(separator: ", ")))")
    }
  }

  /// `recommendedSplit` → `recommended_split`, as the encoder's snake_case strategy writes it.
  static func snakeCase(_ key: String) -> String {
    key.reduce(into: "") { text, c in
      if c.isUppercase {
        text += "_" + c.lowercased()
      } else {
        text.append(c)
      }
    }
  }
}

/// nil for NaN and infinities, so JSON gets null.
func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
