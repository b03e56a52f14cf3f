import Analysis
import ArgumentParser
import CIL
import Data
import Foundation
import NN
import Pipeline
import Recording

/// `strata split PROBES.h5`: where to split the network, with evidence, from a probe file.
public struct SplitCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "split",
    abstract: "Decide from a probe file whether and where to split: the step test with its "
      + "p-value, metric agreement, candidate splits and the verification plan.",
    discussion: """
      The decision (docs/split-decision.md): per seed and task, the depth profile of the \
      primary metric, 1 − CKA between each body block's output before and after the task on \
      old-class probe images (--cka new: new-class images). The mean profile is fitted with a \
      one-step function; the step is tested against a flat profile (block labels permuted \
      within each profile) and against a smooth trend (a quadratic over depth), and p is the \
      larger of the two p-values. A split is recommended at the first block after a rising \
      step when p ≤ 0.05 — and, when the probe file has the rewind or retrain probes \
      (strata probe --rewind/--retrain), only if they rank the blocks as 1 − CKA does (mean \
      Spearman ρ ≥ 0.5); otherwise "no clear split". Gradient norms, parameter and BN shifts \
      are diagnostics: their agreement is printed, they never decide. Use several probe seeds \
      (strata probe --seeds): with one seed the test has little power.

      Printed: the decision, the agreement table, every legal split with its memory ledger \
      (parameters shared G and specialized S, S in exemplars, the exemplars left at the \
      verification budget: --budget, default the run spec's memory_budget, else DER's, a \
      backbone per task plus the spec's exemplars) and the verification plan (the best step \
      and its neighbours, DER, one backbone). --legacy also prints the first wave's min–max \
      score with its change point and task bootstrap (first seed only; kept in split.json \
      for comparison, never used).

      The architecture and the stored image come from the run record in the probe file \
      (written by strata probe); --architecture and --image override them.

      Writes split.json and split.h5 (group /split, dimension scales block and candidate) to \
      --output-dir (default: the probe file's folder), each written whole or not at all.

      Example:
        strata split runs/fmnist/probes.h5 --output-dir analyses/fmnist
      """)

  @Argument(help: "The probe file written by strata probe.")
  public var probes: String

  @Option(help: ArgumentHelp("Folder for split.json and split.h5 (default: the probe file's).",
                             valueName: "DIR"))
  public var outputDir: String?

  @Option(help: ArgumentHelp("The run's architecture: a built-in name or a JSON spec (default: "
                             + "the run spec's).", valueName: "NAME|SPEC"))
  public var architecture: String?

  @Option(help: ArgumentHelp("Stored image as HxWxC (default: the run record's).",
                             valueName: "HxWxC"))
  public var image: String?

  @Option(help: ArgumentHelp("Total memory budget of the verification plan: bytes, or DER:N "
                             + "(a backbone per task + N exemplars).", valueName: "BYTES|DER:N"))
  public var budget: String?

  @Option(help: ArgumentHelp("Probe images of the CKA metric: old or new classes.",
                             valueName: "old|new"))
  public var cka: String = "old"

  @Option(help: "Bootstrap resamples of the tasks (the legacy score's).")
  public var bootstrap: Int = 1000

  @Option(help: "Seed of the legacy score's bootstrap.")
  public var seed: UInt64 = 1993

  @Flag(help: "Also print the legacy min–max score, its candidates and bootstrap (first seed).")
  public var legacy = false

  public init() {}

  public func validate() throws {
    guard CKAProbeSet(rawValue: cka) != nil else {
      throw ValidationError("--cka must be old or new, not \(cka)")
    }
    guard bootstrap >= 1 else {
      throw ValidationError("--bootstrap must be at least 1, not \(bootstrap)")
    }
    if let budget, MemoryLedger.Budget(parsing: budget) == nil {
      throw ValidationError(
        "--budget must be a number of bytes (24684160) or DER:N (DER:2000), not \(budget)")
    }
    if let image, parseImageShape(image) == nil {
      throw ValidationError("--image must be HxWxC with positive sizes, e.g. 28x28x1, not \(image)")
    }
  }

  /// The stage's settings from the options.
  var settings: SplitStage.Settings {
    var settings = SplitStage.Settings()
    settings.derivation = SplitDerivation.Settings(probeSet: CKAProbeSet(rawValue: cka)!,
                                                   bootstrapSamples: bootstrap, bootstrapSeed: seed)
    settings.budget = budget.flatMap(MemoryLedger.Budget.init(parsing:))
    settings.architecture = architecture
    settings.image = image.flatMap(parseImageShape).map {
      ImageShape(channels: $0[0], height: $0[1], width: $0[2])
    }
    return settings
  }

  /// Reads the probe file and derives everything; writes nothing.
  public func analyze() throws -> (report: SplitReport, derivation: SplitDerivation) {
    try SplitStage.analyze(probes: probes, settings: settings)
  }

  public func run() throws {
    let directory = outputDir ?? URL(fileURLWithPath: probes).deletingLastPathComponent().path
    try OutputFolder.check(directory)
    try OutputPaths.check(outputs: [directory + "/split.json", directory + "/split.h5"],
                          inputs: [probes])
    try OutputLock.acquire([directory + "/split.json", directory + "/split.h5"])
    let report = try SplitStage.run(probes: probes, directory: directory, settings: settings)
    print(SplitTable(report, legacy: legacy).rendered, terminator: "")
    print("wrote \(directory)/split.json\nwrote \(directory)/split.h5")
  }
}
