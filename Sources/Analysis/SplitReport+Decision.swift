extension SplitReport {
  /// split.json's `decision`: the split rule on the primary metric (`SplitDecision`) and every
  /// diagnostic's agreement with it (`MetricAgreement`).
  public struct Decision: Codable, Sendable, Equatable {
    public struct Agreement: Codable, Sendable, Equatable {
      public var metric: String
      /// Spearman's ρ over the body blocks per seed (null where undefined).
      public var perSeed: [Double?]
      @ExplicitNull public var meanCorrelation: Double?
      public var agrees: Bool
    }

    public var primaryMetric: String
    public var metricsUsed: [String]
    public var metricsDisagreeing: [String]
    /// The interventional probes (rewind/retrain) that must agree with the primary for a split;
    /// empty (or absent in older files) when the probe file has none.
    public var metricsRequired: [String]?
    /// The first specialized block, or null: "no clear split".
    @ExplicitNull public var split: String?
    /// The boundary of the best step (rising or not) of the mean profile, whether or not it is
    /// significant; the verification runs its neighbourhood when `split` is null.
    @ExplicitNull public var bestStep: String?
    public var bestStepRises: Bool
    public var pValue: Double
    public var pFlat: Double
    public var pTrend: Double
    /// Mean after − mean before the best step, in the primary metric's units (1 − CKA).
    @ExplicitNull public var effect: Double?
    @ExplicitNull public var effectInNoiseUnits: Double?
    public var seeds: [Int]
    public var tasks: [Int]
    /// Profiles (seed, task) the rule used (those with every value finite).
    public var profiles: Int
    public var level: Double
    public var resamples: Int
    public var resampleSeed: UInt64
    public var agreementThreshold: Double
    public var method: String
    public var methodDescription: String
    /// Body blocks, in forward order, and the mean primary profile over every seed and task.
    public var blocks: [String]
    public var meanProfile: [Double]
    /// Per seed, the mean primary profile over its tasks (null for a seed without a finite one).
    public var seedMeans: [[Double?]]?
    public var agreements: [Agreement]
    /// The interventions' agreement with the primary (absent in older files).
    public var interventionAgreements: [Agreement]?
    public var notes: [String]
  }
}

extension SplitReport.Decision {
  static let methodDescription = "one-step least-squares fit of the mean 1 - cka_old profile over "
    + "the body blocks; p = max(p_flat, p_trend): p_flat from permuting each (seed, task) "
    + "profile's block labels, p_trend from a parametric Monte Carlo test of the step against "
    + "a quadratic trend; split only for a rising step with p <= level (docs/split-decision.md); "
    + "diagnostics join metrics_used when their mean per-seed Spearman rho with the primary is "
    + ">= the agreement threshold, and never change the decision; interventional probes "
    + "(rewind_new_drop, retrain_new_gain), when recorded, must agree for a split"

  public init(_ evidence: SplitEvidence) {
    let d = evidence.decision
    primaryMetric = d.primary.metric
    metricsUsed = evidence.metricsUsed
    metricsDisagreeing = evidence.metricsDisagreeing
    metricsRequired = evidence.metricsRequired
    split = evidence.recommendedSplit
    bestStep = d.fit.map { d.primary.blocks[$0.boundary] }
    bestStepRises = d.fit?.rises ?? false
    pValue = d.pValue
    pFlat = d.pFlat
    pTrend = d.pTrend
    effect = finite(d.effect)
    effectInNoiseUnits = d.effectInNoiseUnits.flatMap(finite)
    seeds = d.primary.seeds
    tasks = d.primary.tasks
    profiles = d.profileCount
    level = d.settings.level
    resamples = d.settings.resamples
    resampleSeed = d.settings.seed
    agreementThreshold = MetricAgreement.threshold
    method = SplitDecision.method
    methodDescription = Self.methodDescription
    blocks = d.primary.blocks
    meanProfile = d.meanProfile
    seedMeans = d.primary.seedMeans.map { $0?.map(finite) ?? d.primary.blocks.map { _ in nil } }
    let agreement = { (a: MetricAgreement) in
      Agreement(metric: a.metric, perSeed: a.perSeed.map(finite),
                meanCorrelation: finite(a.meanCorrelation), agrees: a.agrees)
    }
    agreements = evidence.agreements.map(agreement)
    interventionAgreements = evidence.interventionAgreements.map(agreement)
    let best = d.fit.map { d.primary.blocks[$0.boundary] }
    notes = evidence.notes + (evidence.recommendedSplit == nil && best != nil
      ? ["no clear split: the verification runs the best step (\(best!)) and its neighbours, "
         + "DER and one backbone"] : [])
  }
}

extension SplitReport {
  /// The note that labels split.json's legacy fields (shown by `strata split --legacy`).
  public static let legacyNote = "blocks[].score, candidates[].change_point_cost, explained_variance, "
    + "contrast, metric_votes, bootstrap_frequency, metric_splits, uncertainty and the "
    + "confidence rule in method are the legacy min-max score of the first seed "
    + "(SplitDerivation), kept for comparison only; recommended_split and confidence follow "
    + "decision"

  /// Makes `decision` the report's recommendation: `recommendedSplit`, `confidence`, the block
  /// roles; the legacy score stays beside it, labelled.
  public mutating func adopt(_ decision: Decision) {
    self.decision = decision
    recommendedSplit = decision.split
    confidence = decision.split == nil
      ? "no clear split"
      : "step at \(decision.split!) (p = \(formatted(decision.pValue)))"
    let body = blocks.filter { $0.role != "head" }.count
    let split = decision.split.flatMap { s in blocks.firstIndex { $0.block == s } }
    for b in blocks.indices { blocks[b].role = Self.role(b, body: body, split: split) }
    self.decision?.notes.append(Self.legacyNote)
  }
}
