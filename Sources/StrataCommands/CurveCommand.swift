import ArgumentParser
import CIL
import Data
import Foundation
import NN
import Pipeline
import Recording

/// `strata curve`: the budget points of MEMO's accuracy–memory curve and what each method
/// stores there.
public struct CurveCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "curve",
    abstract: "MEMO's accuracy–memory curve: budgets over a backbone family; runs it with --spec.",
    discussion: """
      The paper's headline comparison (MEMO, ICLR 2023, §5): point 1 is what an exemplar-based \
      method holds with the benchmark backbone (ResNet-32 for cifar, ResNet-18 for imagenet) and \
      --exemplars images; every later point is DER with that point's backbone once per task plus \
      --exemplars images. At each point DER and MEMO (split at the last stage's first block) \
      use the point's backbone and an exemplar-based method (iCaRL and kin) the benchmark \
      backbone; each fills the rest of the budget with exemplars, \
      floor((budget − model bytes) / image bytes). MB are 2^20 bytes, as the MEMO code's \
      utils/model2exemplar.py. See docs/accuracy-memory-curve.md.

      Families: cifar conv2, resnet14, resnet20, resnet26_cifar, resnet32; imagenet conv4, \
      resnet10, resnet18, resnet26, resnet34, resnet50. --family FILE replaces the family with a \
      JSON list of architectures (built-in names, spec files, inline specs), smallest first; \
      --spec RUN.json takes the run spec's "family" list, its architecture as the benchmark \
      backbone and its memory_size as the exemplars.

      Without --dry-run it runs the curve on --spec RUN.json's data and protocol (its image \
      size and task count price the budgets): at every point and every seed of --seeds (default \
      the spec's verify_seeds, else its seed; seeds are paired) MEMO and DER with that point's \
      backbone and --exemplar-method (icarl or replay) with the benchmark backbone, each a \
      `strata train` under DIR/runs/ (--jobs at a time); the runs of one backbone and seed \
      continue from one task-0 training (MEMO and DER of a point; the exemplar-based method \
      at every point, with MEMO and DER at the benchmark backbone's point). The runs are merged into DIR/curve.h5 (verify.h5's \
      layout: candidate = method, budget = point; per point the paired difference of each \
      method to MEMO with its 95% t interval, per method the area under accuracy against \
      memory, AUC-A and AUC-L in MB, with its interval) and a report in DIR/report/. \
      --resume reruns only what is missing or failed. With --executor slurm the runs not yet \
      complete are one Slurm job array and a merge job writes curve.h5 and the report (as \
      strata verify; DIR on a filesystem the nodes share); --dry-run then also prints the \
      batch scripts.

      Examples (CIFAR-100 B0 Inc10):
        strata curve cifar --tasks 10 --dry-run
        strata curve --spec analyses/curve-fashion-mnist/run.json \\
          --output-dir runs/curve
        strata curve --spec run.json --output-dir /shared/curve --executor slurm \\
          --partition cpu --time 2:00:00 --cpus-per-task 4
      """)

  @Argument(help: ArgumentHelp("The benchmark: cifar (32x32x3 images) or imagenet (224x224x3); "
                               + "with --spec, its family is the default when the spec names none."))
  public var benchmark: String?

  @Option(help: "Number of tasks T (with --spec: the spec's, and this must agree).")
  public var tasks: Int?

  @Option(help: "Exemplars of the reference point (default 2000, or the --spec's memory_size).")
  public var exemplars: Int?

  @Option(help: ArgumentHelp("A JSON list of architectures, smallest first.", valueName: "FILE"))
  public var family: String?

  @Option(help: ArgumentHelp("A run spec: data, protocol and its own \"family\".",
                             valueName: "RUN.json"))
  public var spec: String?

  @Option(help: "The exemplar-based methods' backbone (default: the benchmark's, or --spec's).")
  public var backbone: String?

  @Flag(help: "Print the plan only.")
  public var dryRun = false

  @Option(help: ArgumentHelp("Seeds, comma-separated (default: the spec's verify_seeds, else "
                             + "its seed).", valueName: "S,…"))
  public var seeds: String?

  @Option(name: .customLong("output-dir"), help: ArgumentHelp(
    "Folder of runs/, curve.h5 and report/.", valueName: "DIR"))
  public var outputDirectory: String = "curve"

  @Option(help: ArgumentHelp("Runs at a time (default 2, sharing the cores; with --executor "
                             + "slurm, array tasks running at once, default Slurm's limits)."))
  public var jobs: Int?

  @Option(help: ArgumentHelp("The exemplar-based method.", valueName: "icarl|replay"))
  public var exemplarMethod: String = "icarl"

  @Flag(name: .customLong("no-task0-sharing"),
        help: "Every run trains its own task 0.")
  public var noTaskZeroSharing = false

  @Flag(help: "Continue an earlier curve in DIR: rerun only missing or failed runs.")
  public var resume = false

  @Flag(help: "No per-run progress; warnings and the results only.")
  public var quiet = false

  @OptionGroup(title: "Slurm")
  public var slurm: SlurmOptions

  public init() {}

  public func validate() throws {
    if let benchmark, AccuracyMemoryCurvePlan.Benchmark(rawValue: benchmark.lowercased()) == nil {
      throw ValidationError("the benchmark is cifar or imagenet, not \(benchmark)")
    }
    if let tasks, tasks < 1 { throw ValidationError("--tasks must be at least 1, not \(tasks)") }
    if let exemplars, exemplars < 0 {
      throw ValidationError("--exemplars must be at least 0, not \(exemplars)")
    }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    guard ["icarl", "replay"].contains(exemplarMethod) else {
      throw ValidationError("--exemplar-method is icarl or replay, not \(exemplarMethod)")
    }
    for text in list(seeds) where Int(text) == nil {
      throw ValidationError("--seeds: \(text) is not an integer")
    }
    if spec == nil {
      guard benchmark != nil, tasks != nil else {
        throw ValidationError("name a benchmark and --tasks (the plan of the paper's curve), or "
                              + "--spec RUN.json (a curve on your data)")
      }
      guard dryRun else {
        throw ValidationError("running the curve needs --spec RUN.json (the data, tasks and "
                              + "schedule to train); without one, --dry-run prints the plan")
      }
      if slurm.executor == .slurm {
        throw ValidationError("--executor slurm runs a curve: it needs --spec RUN.json")
      }
    } else if dryRun, benchmark != nil, tasks == nil {
      throw ValidationError("--tasks: the number of tasks the benchmark's plan is priced for")
    }
  }

  func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }

  /// The plan the options describe.
  public func plan() throws -> AccuracyMemoryCurvePlan {
    let preset = AccuracyMemoryCurvePlan.Benchmark(rawValue: (benchmark ?? "cifar").lowercased())!
    var members = ArchitectureFamily.builtIn(preset.family)
    var reference = backbone ?? preset.backbone
    var count = exemplars ?? 2000
    if let family { members = try ArchitectureFamily.load(family) }
    if let spec {
      let run = try RunSpec.load(spec)
      guard run.family != nil || family != nil else {
        throw RunSpecError(file: spec, key: "family", message: "the spec names no family: add "
          + "\"family\": [architectures, smallest first]")
      }
      if family == nil { members = try run.loadFamily(file: spec) ?? members }
      if backbone == nil { reference = run.architecture }
      if exemplars == nil { count = run.memorySize }
      if ResNetArchitecture.builtIn(reference) == nil {
        reference = RunSpec.resolve(reference, besides: spec)
      }
    }
    return AccuracyMemoryCurvePlan(
      benchmark: try ArchitectureSpec.load(reference), family: members, tasks: tasks ?? 1,
      exemplars: count, image: preset.image)
  }

  /// The plan as printed.
  public func render() throws -> String { Self.render(try plan()) }

  /// A plan as printed.
  static func render(_ plan: AccuracyMemoryCurvePlan) -> String {
    let tasks = plan.tasks
    let image = plan.image
    var text = "accuracy–memory curve: \(tasks) task\(tasks == 1 ? "" : "s"), exemplar "
      + "\(image.height)×\(image.width)×\(image.channels) = \(grouped(image.elementCount)) bytes, "
      + "\(grouped(plan.exemplars)) reference exemplars, exemplar-based backbone "
      + "\(plan.benchmark.name) (\(grouped(MemoryLedger(plan.benchmark, image: image).backboneParameters)) "
      + "parameters); MB = 2^20 bytes\n"
    text += "point 1: \(plan.benchmark.name) + \(grouped(plan.exemplars)) exemplars; "
      + "point k ≥ 2: DER, \(tasks) × backbone + \(grouped(plan.exemplars)) exemplars\n\n"
    var table = TextTable(["point", "backbone", "params", "MEMO split", "budget bytes",
                           "budget MB", "MEMO", "DER", "iCaRL-type"], leftAligned: [1, 3])
    for point in plan.points {
      table.add(["\(point.index)", point.backbone.name, grouped(point.backboneParameters),
                 point.memoSplit.description, grouped(point.budget),
                 grouped(point.megabytes, decimals: 2), point.memo.map(grouped) ?? "—",
                 point.der.map(grouped) ?? "—", point.exemplarBased.map(grouped) ?? "—"])
    }
    text += table.rendered
    if plan.points.contains(where: { $0.memo == nil || $0.der == nil || $0.exemplarBased == nil }) {
      text += "\n—: the model alone exceeds the budget.\n"
    }
    return text
  }

  /// The library's request for the options (with --spec).
  func request(spec: String) throws -> CurvePlanning.Request {
    var request = CurvePlanning.Request(spec: spec, directory: outputDirectory)
    if let family { request.family = try ArchitectureFamily.load(family) }
    if let benchmark, let preset = AccuracyMemoryCurvePlan.Benchmark(rawValue: benchmark.lowercased()) {
      request.defaultFamily = ArchitectureFamily.builtIn(preset.family)
    }
    request.backbone = backbone
    request.exemplars = exemplars
    request.seeds = list(seeds).compactMap { Int($0) }
    request.exemplarMethod = LearnerKind(rawValue: exemplarMethod) ?? .icarl
    request.sharesTaskZero = !noTaskZeroSharing
    return request
  }

  /// The curve's plan on the spec's data; `--tasks`, when given, must be the spec's.
  func planning(spec: String) throws -> CurvePlanning {
    let planning = try CurvePlanning(try request(spec: spec))
    if let tasks, tasks != planning.plan.tasks {
      throw ValidationError("--tasks \(tasks): \(spec) has \(planning.plan.tasks) tasks on its data")
    }
    return planning
  }

  public func run() throws {
    guard let spec else {
      print(try render(), terminator: "")
      return
    }
    if dryRun && benchmark != nil {
      print(try render(), terminator: "")
      return
    }
    let console = Console(level: quiet ? .warning : .info)
    if !dryRun { try OutputFolder.claim(outputDirectory) }
    let planning = try planning(spec: spec)
    print(Self.render(planning.plan), terminator: "")
    let runs = planning.sweep.points.count
    print("\(runs) runs (\(planning.sweep.candidates.map(\.split).joined(separator: ", ")) × "
          + "\(planning.sweep.budgets.count) points × \(planning.sweep.seeds.count) seeds where they "
          + "fit), \(planning.taskZeroTrainings) task-0 trainings; seeds "
          + planning.sweep.seeds.map(String.init).joined(separator: ", "))
    let executor: VerifyStage.Executor = slurm.executor == .slurm
      ? .slurm(slurm.settings, limit: jobs, reportDirectory: nil)
      : .local(jobs: jobs ?? VerifyStage.defaultJobs)
    let commandLine = CommandLine.arguments.joined(separator: " ")
    if dryRun {
      if slurm.executor == .slurm {
        print(try CurveStage.dryRun(planning, commandLine: commandLine, executor: executor,
                                    log: console.stageLog), terminator: "")
      }
      return
    }
    if !resume {
      do {
        try CurveStage.checkFresh(planning)
      } catch let refusal as StageRefusal {
        throw ValidationError(refusal.description)
      }
    }
    guard case .merged(let record) = try CurveStage.run(planning, commandLine: commandLine,
                                                        executor: executor, log: console.stageLog)
    else { throw ExitCode(1) }
    print(Self.areas(record), terminator: "")
    print("wrote \(outputDirectory)/curve.h5 and \(outputDirectory)/report/report.md")
  }

  /// AUC-A and AUC-L per method with their 95% intervals.
  static func areas(_ curve: CurveRecord) -> String {
    let v = curve.verification
    guard let s = v.statistics else { return "" }
    let number = { (x: Double) in x.isFinite ? String(format: "%.4f", x) : "—" }
    var table = TextTable(["method", "backbone", "AUC-A", "95% CI", "AUC-L", "95% CI"],
                          leftAligned: [0, 1])
    for (c, name) in v.candidates.enumerated() {
      // The backbones along the curve, each once.
      let backbones = curve.backbones[c].reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
      table.add([name, backbones.joined(separator: "→"), number(s.aucMean[c]),
                 "\(number(s.aucLow[c])) to \(number(s.aucHigh[c]))", number(s.aucLastMean[c]),
                 "\(number(s.aucLastLow[c])) to \(number(s.aucLastHigh[c]))"])
    }
    return "\narea under accuracy against memory (MB × accuracy, mean over \(v.seeds.count) "
      + "seeds, 95% t interval):\n" + table.rendered
      + "\n" + s.verdicts.joined(separator: "\n") + "\n"
  }
}
