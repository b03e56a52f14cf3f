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
    public var derivation = SplitDerivation.Settings(probeSet: .old, bootstrapSamples: 1000,
                                                     bootstrapSeed: 1993)
    /// The verification plan's budget; nil: the run's default (`RunSpec.defaultBudget`).
    public var budget: MemoryLedger.Budget?
    /// Overrides of the run record's architecture (a built-in name or a spec file) and image.
    public var architecture: String?
    public var image: ImageShape?

    public init() {}
  }

  /// Reads the probe file and derives everything; writes nothing.
  public static func analyze(probes: String, settings: Settings) throws
    -> (report: SplitReport, derivation: SplitDerivation)
  {
    let record = try ProbeFile.open(probes).read()
    let run = try ProbeRun(record, architecture: settings.architecture, image: settings.image)
    let derivation = SplitDerivation(
      try BlockSensitivities(record, probeSet: settings.derivation.probeSet),
      settings: settings.derivation)
    let request = try settings.budget ?? run.defaultBudget(file: probes)
    let recommended = derivation.recommended.map { SplitPoint(derivation.candidates[$0]) }
    let plan = VerificationPlan(ledger: run.ledger, tasks: run.tasks, recommended: recommended,
                                budget: request)
    return (SplitReport(derivation, run: run, plan: plan, record: record), derivation)
  }

  /// `analyze`, then `split.json` and `split.h5` into `directory` (each whole or not at all).
  public static func run(probes: String, directory: String, settings: Settings) throws
    -> SplitReport
  {
    let (report, derivation) = try analyze(probes: probes, settings: settings)
    try report.writeJSON(to: directory + "/split.json")
    let provenance = Provenance.current(
      specText: report.probeProvenance.spec,
      seed: Int(truncatingIfNeeded: settings.derivation.bootstrapSeed), context: try ComputeContext.shared())
    try SplitFile.write(report.record(derivation, provenance: provenance),
                        to: directory + "/split.h5")
    return report
  }
}
