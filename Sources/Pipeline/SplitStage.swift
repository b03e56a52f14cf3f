import Analysis
import CIL
import Data
import Foundation
import NN
import Recording
import Tensor

/// The split stage: reads `probes.h5` (its probes and run record), derives where to split with
/// its evidence and the verification plan, and writes `split.json` and `split.h5`.
public enum SplitStage {
  public struct Settings: Sendable {
    /// The legacy min–max score (first seed only), kept in split.json for comparison; it no
    /// longer decides anything.
    public var derivation = SplitDerivation.Settings(probeSet: .old, bootstrapSamples: 1000,
                                                     bootstrapSeed: 1993)
    /// The split rule (`SplitDecision`): resamples, their seed, the level.
    public var decision = SplitDecision.Settings()
    /// The verification plan's budget; nil: the run's default (`RunSpec.defaultBudget`).
    public var budget: MemoryLedger.Budget?
    /// Overrides of the run record's architecture (a built-in name or a spec file) and image.
    public var architecture: String?
    public var image: ImageShape?

    public init() {}
  }

  /// Reads the probe file (every seed) and decides; writes nothing.
  public static func decide(probes: String, settings: Settings) throws
    -> (report: SplitReport, derivation: SplitDerivation, evidence: SplitEvidence)
  {
    let seeds = try ProbeFile.open(probes).readSeeds()
    let record = seeds[0]
    let run = try ProbeRun(record, architecture: settings.architecture, image: settings.image)
    let derivation = SplitDerivation(
      try BlockSensitivities(record, probeSet: settings.derivation.probeSet),
      settings: settings.derivation)
    let (primary, diagnostics) = DepthProfiles.profiles(of: seeds)
    let evidence = SplitEvidence(primary: primary, diagnostics: diagnostics,
                                 interventions: DepthProfiles.interventions(of: seeds),
                                 settings: settings.decision)
    let decision = SplitReport.Decision(evidence)
    let request = try settings.budget ?? run.defaultBudget(file: probes)
    // No clear split: the verification still runs the best step's neighbourhood.
    let center = (decision.split ?? decision.bestStep).map { SplitPoint.at($0) }
    let plan = VerificationPlan(ledger: run.ledger, tasks: run.tasks, recommended: center,
                                budget: request)
    var report = SplitReport(derivation, run: run, plan: plan, record: record)
    report.adopt(decision)
    return (report, derivation, evidence)
  }

  /// The legacy analysis only (`SplitDerivation`), for callers that want it alone.
  public static func analyze(probes: String, settings: Settings) throws
    -> (report: SplitReport, derivation: SplitDerivation)
  {
    let (report, derivation, _) = try decide(probes: probes, settings: settings)
    return (report, derivation)
  }

  /// `analyze`, then `split.json` and `split.h5` into `directory` (each whole or not at all).
  public static func run(probes: String, directory: String, settings: Settings) throws
    -> SplitReport
  {
    let (report, derivation, evidence) = try decide(probes: probes, settings: settings)
    try report.writeJSON(to: directory + "/split.json")
    let provenance = Provenance.current(
      specText: report.probeProvenance.spec,
      seed: Int(truncatingIfNeeded: settings.derivation.bootstrapSeed), context: try ComputeContext.shared())
    var record = report.record(derivation, provenance: provenance)
    record.profiles = evidence.record
    try SplitFile.write(record, to: directory + "/split.h5")
    return report
  }
}
