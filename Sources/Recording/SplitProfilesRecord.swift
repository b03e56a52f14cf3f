import HDF5

/// The split decision's data in `split.h5` (group `/split/decision`): the primary metric's
/// profiles per seed and task, their per-seed means, the mean profile and its fitted step, the
/// diagnostics' per-seed means and their agreement with the primary. Dimensions `seed`,
/// `task`, `body_block` (the head is never a candidate), `diagnostic`.
public struct SplitProfilesRecord: Sendable {
  public var primaryMetric: String
  public var seeds: [Int]
  public var tasks: [Int]
  public var blocks: [String]
  public var diagnostics: [String]
  /// [seed][task][block], NaN where not finite.
  public var primary: [[[Double]]]
  /// [seed][block].
  public var primarySeedMeans: [[Double]]
  /// [block]: the mean over every finite profile, and the least-squares step fitted to it.
  public var meanProfile: [Double]
  public var fittedStep: [Double]
  /// [diagnostic][seed][block] and [diagnostic][seed].
  public var diagnosticSeedMeans: [[[Double]]]
  public var agreement: [[Double]]
  /// [diagnostic]: 1 when the diagnostic agrees (joins metrics_used), else 0.
  public var agrees: [Int]
  /// The decision's scalars (split or "", p-values, effect, method, …).
  public var attributes: [String: SplitRecord.Attribute]

  public init(primaryMetric: String, seeds: [Int], tasks: [Int], blocks: [String],
              diagnostics: [String], primary: [[[Double]]], primarySeedMeans: [[Double]],
              meanProfile: [Double], fittedStep: [Double], diagnosticSeedMeans: [[[Double]]],
              agreement: [[Double]], agrees: [Int], attributes: [String: SplitRecord.Attribute])
  {
    self.primaryMetric = primaryMetric
    self.seeds = seeds
    self.tasks = tasks
    self.blocks = blocks
    self.diagnostics = diagnostics
    self.primary = primary
    self.primarySeedMeans = primarySeedMeans
    self.meanProfile = meanProfile
    self.fittedStep = fittedStep
    self.diagnosticSeedMeans = diagnosticSeedMeans
    self.agreement = agreement
    self.agrees = agrees
    self.attributes = attributes
  }

  static let group = "decision"

  func write(into parent: HDF5Group) throws {
    let group = try parent.createGroup(Self.group)
    try group.createCoordinate("seed", values: seeds.map(Int64.init))
    try group.createCoordinate("task", values: tasks.map(Int32.init))
    try group.createCoordinate("body_block", values: blocks)
    try group.createCoordinate("diagnostic", values: diagnostics)
    try group.describe("seed", "probe run seed", "1", "seed of the probe run")
    try group.describe("task", "incremental task", "1", "1-based task of the probe run (t >= 1)")
    try group.describe("body_block", "body block", "", "stem ... last block in forward order; "
                       + "the head is never a split candidate")
    try group.describe("diagnostic", "metric compared with the primary", "", "the "
                       + "interventional probes first (rewind_new_drop, retrain_new_gain: "
                       + "function-space, must agree for a split; attribute metrics_required), "
                       + "then the diagnostics (gradient, parameter and BN shifts: shown, never "
                       + "deciding)")
    let unit = "1"
    try group.createVariable("primary_profile", dimensions: ["seed", "task", "body_block"],
                             values: primary.flatMap { $0.flatMap { $0 } })
    try group.describe("primary_profile", "\(primaryMetric) per seed, task and body block", unit,
                       "the primary metric the decision rests on (1 - cka_old: CKA lost on "
                         + "old-class probe images); NaN where not finite")
    try group.createVariable("primary_seed_mean", dimensions: ["seed", "body_block"],
                             values: primarySeedMeans.flatMap { $0 })
    try group.describe("primary_seed_mean", "\(primaryMetric), mean over tasks", unit,
                       "per seed, the mean over its tasks whose profile is finite")
    try group.createVariable("mean_profile", dimensions: ["body_block"], values: meanProfile)
    try group.describe("mean_profile", "\(primaryMetric), mean over seeds and tasks", unit,
                       "the mean of every finite (seed, task) profile: what the step is fitted to")
    try group.createVariable("fitted_step", dimensions: ["body_block"], values: fittedStep)
    try group.describe("fitted_step", "least-squares one-step fit of mean_profile", unit,
                       "mean of mean_profile before the best boundary, and from it on (the "
                         + "attribute best_step); NaN when there is no fit")
    try group.createVariable("diagnostic_seed_mean", dimensions: ["diagnostic", "seed", "body_block"],
                             values: diagnosticSeedMeans.flatMap { $0.flatMap { $0 } })
    try group.describe("diagnostic_seed_mean", "diagnostic, mean over tasks", "as recorded",
                       "per diagnostic and seed, the mean over tasks of the value in the probe "
                         + "file (units of that variable: 1, or rad for filter_angle_shift)")
    try group.createVariable("agreement", dimensions: ["diagnostic", "seed"],
                             values: agreement.flatMap { $0 })
    try group.describe("agreement", "Spearman rank correlation with the primary metric", unit,
                       "per seed, over the body blocks, between the diagnostic's and the "
                         + "primary's mean profiles over tasks; NaN where undefined")
    try group.createVariable("agrees", dimensions: ["diagnostic"], values: agrees.map(Int32.init))
    try group.describe("agrees", "diagnostic joins metrics_used", unit,
                       "1 when the mean agreement over seeds is at least the threshold (the "
                         + "attribute agreement_threshold), else 0")
    for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
      switch value {
      case .real(let x): try group.attributes.write(name, x)
      case .integer(let n): try group.attributes.write(name, n)
      case .text(let s): try group.attributes.write(name, s)
      }
    }
  }
}
