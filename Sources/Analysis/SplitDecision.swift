import Common
/// Where to split a network, decided from the depth profiles of the primary metric (1 − CKA on
/// old-class probe images, or a rewind/retrain probe when recorded) over seeds × tasks.
///
/// The claim to test (MEMO, Zhou et al., ICLR 2023, §3) is "stable up to block k, plastic from
/// k on". The mean profile over all (seed, task) profiles is fitted with the least-squares
/// one-step function (`StepFit`); the step is reported only when
/// 1. it rises (the deeper blocks change more; a better falling step means no split),
/// 2. the profile is not flat: permutation test of the step's between-segment sum of squares,
///    block labels permuted within each profile, and
/// 3. the step is more than a smooth trend: Monte Carlo test of the step added to a quadratic
///    over block index (which covers a linear ramp, a U and a curve bending once), with the
///    noise estimated from every profile's residuals,
/// and the reported p-value, max(p_flat, p_trend), is at most `level` (an intersection–union
/// test: the step claim needs both nulls rejected, and the larger p-value is a valid p-value
/// for it; Berger, Technometrics 1982). A ramp or a U is a real depth trend, but not a
/// boundary; the rule reports no split for them. Each (seed, task) profile is one unit: its
/// blocks share the run's noise, and profiles are not assumed to share a level or a scale.
/// Details of both tests: `StepTests`; calibration: docs/split-decision.md.
public struct SplitDecision: Sendable {
  public struct Settings: Sendable, Equatable {
    /// Permutations per test (p-value resolution 1 / (resamples + 1)).
    public var resamples: Int
    /// Seed of the permutations (`SplitMix64`).
    public var seed: UInt64
    /// Significance level of the step (5%).
    public var level: Double

    public init(resamples: Int = 999, seed: UInt64 = 1993, level: Double = 0.05) {
      precondition(resamples >= 1, "at least one resample")
      precondition(level > 0 && level < 1, "level in (0, 1)")
      self.resamples = resamples
      self.seed = seed
      self.level = level
    }
  }

  /// The method's name in split.json.
  public static let method = "step-vs-flat-and-trend"

  public let primary: DepthProfiles
  public let settings: Settings
  /// The mean profile over the finite (seed, task) profiles (empty when there are none).
  public let meanProfile: [Double]
  /// The least-squares step of the mean profile divided by `scale`, when there is a profile to
  /// fit. Boundary and direction are those of the unscaled profile; dividing first keeps every
  /// finite input (1e300 as well as 1e-300) free of overflow and underflow.
  public let fit: StepFit?
  /// The largest |value| of the profiles used (1 when all are 0): the fit and the tests work on
  /// values divided by it, which changes no decision (the rule is scale invariant).
  public let scale: Double
  /// The (seed, task) profiles the test used (those with every value finite).
  public let profileCount: Int
  /// p-values against a flat profile (permutation) and against a smooth quadratic trend
  /// (Monte Carlo); 1 when untested.
  public let pFlat: Double
  public let pTrend: Double
  /// Index in `primary.blocks` of the first specialized block, nil for no clear split.
  public let step: Int?
  /// What the decision rests on, and why there is no split when there is none.
  public let notes: [String]

  public init(_ primary: DepthProfiles, settings: Settings = Settings()) {
    self.primary = primary
    self.settings = settings
    let n = primary.blocks.count
    let profiles = primary.finiteProfiles
    profileCount = profiles.count
    var notes: [String] = []
    let left = primary.seeds.count * primary.tasks.count - profiles.count
    if left > 0 {
      notes.append("\(left) (seed, task) profile(s) of \(primary.metric) hold a non-finite "
                   + "value and are left out")
    }
    let largest = profiles.flatMap(\.values).reduce(0) { max($0, abs($1)) }
    let scale = largest > 0 ? largest : 1
    self.scale = scale
    let flat = profiles.flatMap { $0.values.map { $0 / scale } }
    let scaledMean = profiles.isEmpty ? [] : StepTests.mean(flat, count: n)
    meanProfile = scaledMean.map { $0 * scale }
    guard n >= 4, !profiles.isEmpty else {
      notes.append(n < 4
        ? "\(n) body block(s): a step cannot be told from a ramp with fewer than 4 blocks"
        : "no finite profile of \(primary.metric): nothing to decide on")
      fit = n >= 2 && !scaledMean.isEmpty ? StepFit(scaledMean) : nil
      (pFlat, pTrend, step, self.notes) = (1, 1, nil, notes)
      return
    }
    let fit = StepFit(scaledMean)
    self.fit = fit
    if profiles.allSatisfy({ p in p.values.allSatisfy { $0 == p.values[0] } }) {
      notes.append("every profile of \(primary.metric) is constant over the body blocks: no "
                   + "block changes more than another, no split")
      (pFlat, pTrend, step, self.notes) = (1, 1, nil, notes)
      return
    }
    let test = StepTests(profiles: flat, count: n, resamples: settings.resamples,
                         seed: settings.seed)
    (pFlat, pTrend) = (test.flat, test.trend)
    let p = max(pFlat, pTrend), name = primary.blocks[fit.boundary]
    if !fit.rises {
      notes.append("the best step falls at \(name): the shallower blocks change more, which "
                   + "does not support sharing them")
      step = nil
    } else if pFlat > settings.level {
      notes.append("the step at \(name) cannot be told from a flat profile (p = "
                   + "\(formatted(pFlat)) > \(settings.level))")
      step = nil
    } else if pTrend > settings.level {
      notes.append("the profile is not flat (p = \(formatted(pFlat))), but a step at \(name) "
                   + "adds nothing clear to a smooth trend over depth (ramp, U or one bend; p = "
                   + "\(formatted(pTrend))): no boundary")
      step = nil
    } else {
      notes.append("the step at \(name) beats a flat profile and a smooth trend (p = "
                   + "\(formatted(p)) ≤ \(settings.level)) over \(profiles.count) profile(s)")
      step = fit.boundary
    }
    self.notes = notes
  }

  /// The first specialized block, or nil for "no clear split".
  public var recommendedSplit: String? { step.map { primary.blocks[$0] } }

  /// The p-value of the step claim: max(p_flat, p_trend).
  public var pValue: Double { max(pFlat, pTrend) }

  /// Mean after minus mean before the fitted boundary on the mean profile, in the primary
  /// metric's units (NaN without a fit).
  public var effect: Double { fit.map { $0.contrast * scale } ?? .nan }

  /// `effect` over the noise: the root mean squared residual of each profile around its own two
  /// segment means at the fitted boundary (n − 2 degrees of freedom per profile), the unit of
  /// the calibration table. Nil without a fit or when the residuals are all zero.
  public var effectInNoiseUnits: Double? {
    guard let fit, profileCount > 0, primary.blocks.count > 2 else { return nil }
    let k = fit.boundary
    var squares = 0.0
    for profile in primary.finiteProfiles.map({ $0.values.map { $0 / scale } }) {
      let before = profile[..<k], after = profile[k...]
      let (a, b) = (mean(Array(before)), mean(Array(after)))
      squares += before.reduce(0) { $0 + ($1 - a) * ($1 - a) }
      squares += after.reduce(0) { $0 + ($1 - b) * ($1 - b) }
    }
    let sigma = (squares / Double(profileCount * (primary.blocks.count - 2))).squareRoot()
    return sigma > 0 ? fit.contrast / sigma : nil
  }
}
