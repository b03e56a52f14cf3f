import ArgumentParser
import CIL
import Foundation
import Pipeline

/// `strata run SPEC`: the whole pipeline — probe, split, verify, report — into one folder,
/// each stage skipped when its outputs are complete, so a killed run continues with --resume.
public struct RunCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the whole pipeline (probe → split → verify → report) from one spec.",
    discussion: """
      SPEC is a run spec (JSON, PyCIL keys; model_name finetune or replay for the probe run). \
      The stages write into DIR:
        run.json                 the spec as used (relative paths made absolute)
        probes.h5                strata probe: block-wise gradient norms, shift, CKA
        split.json, split.h5     strata split: the split and its evidence
        runs/, verify.h5         strata verify: candidates retrained at equal memory
        report.html, report.md   strata report, with charts/ and tables/
      A stage whose outputs are complete is skipped. Every file is written whole or not at \
      all, and the verification's runs keep checkpoints, so after a kill `strata run SPEC \
      --out DIR --resume` continues where it stopped (a probe run cut short starts its \
      stage again). Without --resume an existing DIR is refused and left untouched.

      With --executor slurm the verification runs are a Slurm job array and a merge job that \
      also writes the report (DIR on a filesystem the nodes share); the probe run and the \
      split analysis run here. See strata verify --help.

      Example (the quickstart; its measured time is in the README):
        strata run analyses/quickstart-fashion-mnist.json --out runs/quickstart
      """)

  @Argument(help: "The run spec (JSON).")
  public var spec: String

  @Option(help: ArgumentHelp("The run folder (default: runs/<spec name>).", valueName: "DIR"))
  public var out: String?

  @Flag(help: "Continue a run in DIR (start it when DIR does not exist).")
  public var resume = false

  @Option(help: ArgumentHelp("Verification runs at a time (default 2, sharing the cores; with "
                             + "--executor slurm, array tasks running at once, default Slurm's limits)."))
  public var jobs: Int?

  @Option(help: ArgumentHelp("Verification budgets, comma-separated: bytes or DER:N.",
                             valueName: "BYTES|DER:N,…"))
  public var budget: String?

  @Option(help: ArgumentHelp("Verification seeds, comma-separated.", valueName: "S,…"))
  public var seeds: String?

  @Option(help: ArgumentHelp("Probe seeds, comma-separated (default: the spec's seed and the "
                             + "next two; each seed changes the class order, the initialization "
                             + "and the batch order).", valueName: "S,…"))
  public var probeSeeds: String?

  @Flag(help: "Print one line per task, not every epoch.")
  public var quiet = false

  @OptionGroup(title: "Slurm (verification)")
  public var slurm: SlurmOptions

  public init() {}

  var directory: String {
    out ?? "runs/" + URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
  }

  public func validate() throws {
    guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
    for text in list(budget) where MemoryLedger.Budget(parsing: text) == nil {
      throw ValidationError("--budget: \(text) is neither bytes nor DER:N")
    }
    for text in list(seeds) where Int(text).map({ !(0...Int(UInt32.max)).contains($0) }) ?? true {
      throw ValidationError("--seeds: \(text) is not an integer from 0 to 4294967295")
    }
    for text in list(probeSeeds) where Int(text).map({ !(0...Int(UInt32.max)).contains($0) }) ?? true {
      throw ValidationError("--probe-seeds: \(text) is not an integer from 0 to 4294967295")
    }
    if probeSeeds != nil && (list(probeSeeds).isEmpty
                             || Set(list(probeSeeds)).count != list(probeSeeds).count) {
      throw ValidationError("--probe-seeds: give one or more different seeds")
    }
  }

  /// The pipeline these options ask for.
  var pipeline: RunPipeline {
    var settings = RunPipeline.Settings(spec: spec, directory: directory)
    settings.executor = slurm.executor == .slurm
      ? .slurm(slurm.settings, limit: jobs, reportDirectory: directory)
      : .local(jobs: jobs ?? VerifyStage.defaultJobs)
    settings.budgets = list(budget).compactMap(MemoryLedger.Budget.init(parsing:))
    settings.seeds = list(seeds).compactMap { Int($0) }
    settings.probeSeeds = probeSeeds.map { list($0).compactMap { Int($0) } }
    return RunPipeline(settings)
  }

  func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }

  public func run() throws {
    let console = Console()
    let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    if !existing.isEmpty && !resume {
      throw FileRefusal("\(directory) already holds a run; add --resume to continue it, or "
                        + "choose another --out")
    }
    try OutputFolder.claim(directory)
    let progress = RunPipeline.Progress(
      observers: [EpochProgress(console: console)],
      events: { event in
        switch event {
        case .epoch(let e) where !quiet:
          console.epoch(e)
        case .evaluated(let evaluation, _):
          console.info(String(format: "task %d: CNN %.2f%%", evaluation.task,
                              100 * evaluation.cnn.total))
        default:
          break
        }
      },
      finished: { result in
        switch result {
        case .split(let report):
          print(SplitTable(report).rendered, terminator: "")
        case .planned(let planning):
          VerifyCommand.describe(planning, console: console)
        case .verify(let record):
          print(VerifyTable(record).rendered, terminator: "")
        case .report(let files):
          print(ReportCommand.summary(directory, files))
        case .probe:
          break
        }
      })
    guard try pipeline.run(log: console.stageLog, progress: progress) else { throw ExitCode(1) }
  }
}
