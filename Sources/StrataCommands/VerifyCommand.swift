import Analysis
import ArgumentParser
import CIL
import Foundation
import NN
import Pipeline
import Recording

/// `strata verify SPEC`: retrains the recommended split, its neighbours, DER and one backbone
/// at one total memory budget and says whether the recommendation holds.
public struct VerifyCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Retrain candidate splits at equal memory and judge the recommended split.",
    discussion: """
      SPEC is the run spec of the probe run (data, tasks, schedule). The candidates are, with \
      --splits auto (the default), MEMO at the split recommended in split.json and at its two \
      neighbours, DER (stem: a backbone per task) and one backbone (none); further names add \
      splits of your choice. Without auto, or when split.json recommends no split, no split \
      is judged: the verdict is "no recommendation" and each budget's verdict takes the best \
      mean as its reference and says so. Every candidate gets the same total budget of model bytes \
      (4 per backbone parameter) plus exemplar bytes, so a split that copies fewer \
      parameters keeps more exemplars; the exemplar counts come from the memory ledger. \
      Every candidate is trained at every budget of --budget it fits and with every seed of \
      --seeds (the seed also sets the class order, as in PyCIL; seeds are paired: at one seed \
      every candidate sees the same data order and initialization). A candidate whose model \
      alone exceeds a budget is marked as not fitting it (fits = 0) and skipped; a budget \
      that no candidate fits is an error naming the smallest that would.

      Each candidate × budget × seed is one `strata train` process writing its own file \
      under DIR/runs/ (--jobs at a time, default 2; the cores are shared between them), so a \
      sweep can be resumed (--resume reruns only what is missing or failed) and spread over \
      machines. MEMO and DER runs (and iCaRL, Replay) train task 0 once per seed: the first run of a seed writes \
      DIR/runs/task0-<digest>.h5 and the others continue from it (--no-task0-sharing: each \
      trains its own). Every run of a sweep uses the thread count of its first start \
      (cores / --jobs), so a resumed run reproduces the one it replaces bit for bit. \
      The files are merged into DIR/verify.h5: every run's accuracies and ledger, and per \
      budget the paired difference of every candidate to the reference (the recommended \
      split, else the best mean) with its 95% t interval over seeds and a verdict (best, \
      tied, worse than a named split; one seed cannot separate); per candidate the area \
      under accuracy against memory (AUC-A and AUC-L, MB) with its interval; the root \
      attribute task0_trainings. --dry-run prints the grid (exemplars per candidate and \
      budget, runs, task-0 trainings) and the commands.

      With --executor slurm the runs not yet complete are one Slurm job array (DIR must be on \
      a filesystem the nodes share), and a merge job writes verify.h5 once they all \
      succeeded. Strata follows the jobs, reports failed runs with their logs and exit codes, \
      and --resume resubmits only the failed or missing runs. --dry-run prints the batch \
      scripts.

      Examples:
        strata verify analyses/quickstart-fashion-mnist.json \\
          --split-file runs/q/split.json --output-dir runs/q --jobs 2
        strata verify spec.json --output-dir /shared/q --executor slurm \\
          --partition cpu --time 4:00:00 --mem 8G --cpus-per-task 4
      """)

  @Argument(help: "The run spec (JSON), as given to strata probe.")
  public var spec: String

  @Option(help: ArgumentHelp("split.json from strata split (default: DIR/split.json).",
                             valueName: "FILE"))
  public var splitFile: String?

  @Option(help: ArgumentHelp("Candidates, comma-separated: auto (the recommendation, its "
                             + "neighbours, stem and none) and/or split names.",
                             valueName: "auto,SPLIT,…"))
  public var splits: String = "auto"

  @Option(help: ArgumentHelp("Total budgets, comma-separated: bytes or DER:N (default: the "
                             + "spec's verify_budgets, else its memory_budget, else DER with its "
                             + "memory_size).",
                             valueName: "BYTES|DER:N,…"))
  public var budget: String?

  @Option(help: ArgumentHelp("Seeds, comma-separated (default: the spec's verify_seeds, else "
                             + "its seed).",
                             valueName: "S,…"))
  public var seeds: String?

  @Option(name: .customLong("output-dir"), help: ArgumentHelp("Folder of runs/ and verify.h5.",
                                                              valueName: "DIR"))
  public var outputDirectory: String = "verify"

  @Option(help: ArgumentHelp("Candidate runs at a time (default 2, sharing the cores, as strata "
                             + "run; with --executor slurm, array tasks running at once, default "
                             + "Slurm's limits)."))
  public var jobs: Int?

  @Flag(help: "No candidate list or per-run progress; warnings, the verdicts and the table only.")
  public var quiet = false

  @Flag(name: .customLong("no-task0-sharing"),
        help: ArgumentHelp("Every run trains its own task 0 (as independent runs), instead of "
          + "one task-0 training per seed that every MEMO, DER, iCaRL and Replay run of that seed "
          + "continues from."))
  public var noTaskZeroSharing = false

  @Flag(help: "Continue an earlier verification in DIR: rerun only missing or failed runs.")
  public var resume = false

  @Option(help: ArgumentHelp("Largest shortfall of the recommended split that still counts as "
                             + "verified (fraction of accuracy)."))
  public var tolerance: Double = Verdict.defaultTolerance

  @Option(help: ArgumentHelp("Metric of the verdict.", valueName: "average|last"))
  public var metric: String = "average"

  @Flag(help: ArgumentHelp("Print the candidates and the runs (with --executor slurm, the "
                           + "batch scripts) without training."))
  public var dryRun = false

  @OptionGroup(title: "Slurm")
  public var slurm: SlurmOptions

  /// Under `strata run`: the folder whose report the Slurm merge job writes after verify.h5.
  @Option(help: .hidden)
  public var reportDirectory: String?

  public init() {}

  var verdictMetric: Verdict.Metric? { VerificationMerge.metrics[metric] }

  public func validate() throws {
    guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
    guard verdictMetric != nil else { throw ValidationError("--metric is average or last, not \(metric)") }
    guard tolerance >= 0 && tolerance < 1 else {
      throw ValidationError("--tolerance is a fraction in [0, 1), not \(tolerance)")
    }
    for text in list(budget) where MemoryLedger.Budget(parsing: text) == nil {
      throw ValidationError("--budget: \(text) is neither bytes nor DER:N")
    }
    for text in list(seeds) where Int(text).map({ !(0...Int(UInt32.max)).contains($0) }) ?? true {
      throw ValidationError("--seeds: \(text) is not an integer from 0 to 4294967295")
    }
  }

  func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }

  /// The verification's plan: reads the run record (DIR/probes.h5, else the spec and its
  /// data) and split.json; trains nothing.
  func plan() throws -> (sweep: VerificationSweep, recommended: String?, budgets: [MemoryLedger.Budget]) {
    let planning = try planning()
    return (planning.sweep, planning.recommended, planning.budgets)
  }

  func planning() throws -> VerificationPlanning {
    let probes = outputDirectory + "/probes.h5"
    var request = VerificationPlanning.Request(
      spec: spec, probes: FileManager.default.fileExists(atPath: probes) ? probes : nil,
      splitFile: splitFile ?? outputDirectory + "/split.json", directory: outputDirectory)
    request.splits = list(splits)
    // The command line's, else the spec's verify_budgets / verify_seeds, as `strata run` does.
    let defaults = try VerificationDefaults.read(spec)
    let budgets = list(budget).compactMap(MemoryLedger.Budget.init(parsing:))
    let seeds = list(seeds).compactMap { Int($0) }
    request.budgets = budgets.isEmpty ? defaults.budgets : budgets
    request.seeds = seeds.isEmpty ? defaults.seeds : seeds
    request.sharesTaskZero = !noTaskZeroSharing
    return try VerificationPlanning(request)
  }

  /// The candidates of a plan, one line each, and the grid: exemplars per candidate and budget
  /// ("does not fit" where the model alone exceeds it), runs and task-0 trainings.
  static func describe(_ planning: VerificationPlanning, console: Console) {
    for line in VerificationGridTable(planning).lines { console.info(line) }
  }

  public func run() throws {
    let console = Console(level: quiet ? .warning : .info)
    if !dryRun { try OutputFolder.claim(outputDirectory) }
    let planning = try planning()
    let sweep = planning.sweep
    let output = outputDirectory + "/verify.h5"
    if !resume && !dryRun {
      do {
        try VerifyStage.checkFresh(sweep)
      } catch let refusal as StageRefusal {
        throw ValidationError(refusal.description)
      }
    }
    Self.describe(planning, console: console)
    let merge = VerificationMerge(
      sweep: sweep, judged: planning.judged,
      metric: metric, tolerance: tolerance, commandLine: CommandLine.arguments.joined(separator: " "),
      recommended: planning.recommended)
    let executor: VerifyStage.Executor = slurm.executor == .slurm
      ? .slurm(slurm.settings, limit: jobs, reportDirectory: reportDirectory)
      : .local(jobs: jobs ?? VerifyStage.defaultJobs)
    if dryRun {
      print(try VerifyStage.dryRun(merge, executor: executor, log: console.stageLog), terminator: "")
      if quiet { for line in VerificationGridTable(planning).lines { print(line) } }
      return
    }
    guard case .merged(let record) = try VerifyStage.run(merge, executor: executor,
                                                         log: console.stageLog)
    else { throw ExitCode(1) }
    print(VerifyTable(record).rendered, terminator: "")
    print("wrote \(output)")
  }
}
