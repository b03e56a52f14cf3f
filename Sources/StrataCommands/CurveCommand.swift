import ArgumentParser
import CIL
import Data
import NN

/// `strata curve`: the budget points of MEMO's accuracy–memory curve and what each method
/// stores there.
public struct CurveCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "curve",
    abstract: "Lay out MEMO's accuracy–memory curve: budgets over a backbone family.",
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

      Running the grid (paired seeds, CIs, AUC per method) is not wired yet: use --dry-run.

      Example (CIFAR-100 B0 Inc10):
        strata curve cifar --tasks 10 --dry-run
      """)

  @Argument(help: "The benchmark: cifar (32x32x3 images) or imagenet (224x224x3).")
  public var benchmark: String

  @Option(help: "Number of tasks T.")
  public var tasks: Int

  @Option(help: "Exemplars of the reference point (default 2000, or the --spec's memory_size).")
  public var exemplars: Int?

  @Option(help: ArgumentHelp("A JSON list of architectures, smallest first.", valueName: "FILE"))
  public var family: String?

  @Option(help: ArgumentHelp("A run spec naming its own \"family\".", valueName: "RUN.json"))
  public var spec: String?

  @Option(help: "The exemplar-based methods' backbone (default: the benchmark's, or --spec's).")
  public var backbone: String?

  @Flag(help: "Print the plan only.")
  public var dryRun = false

  public init() {}

  public func validate() throws {
    guard AccuracyMemoryCurvePlan.Benchmark(rawValue: benchmark.lowercased()) != nil else {
      throw ValidationError("the benchmark is cifar or imagenet, not \(benchmark)")
    }
    guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1, not \(tasks)") }
    if let exemplars, exemplars < 0 {
      throw ValidationError("--exemplars must be at least 0, not \(exemplars)")
    }
    if family != nil && spec != nil {
      throw ValidationError("give --family or --spec, not both")
    }
  }

  /// The plan the options describe.
  public func plan() throws -> AccuracyMemoryCurvePlan {
    let preset = AccuracyMemoryCurvePlan.Benchmark(rawValue: benchmark.lowercased())!
    var members = ArchitectureFamily.builtIn(preset.family)
    var reference = backbone ?? preset.backbone
    var count = exemplars ?? 2000
    if let family { members = try ArchitectureFamily.load(family) }
    if let spec {
      let run = try RunSpec.load(spec)
      guard run.family != nil else {
        throw RunSpecError(file: spec, key: "family", message: "the spec names no family: add "
          + "\"family\": [architectures, smallest first]")
      }
      members = try run.loadFamily(file: spec) ?? members
      if backbone == nil { reference = run.architecture }
      if exemplars == nil { count = run.memorySize }
      if ResNetArchitecture.builtIn(reference) == nil {
        reference = RunSpec.resolve(reference, besides: spec)
      }
    }
    return AccuracyMemoryCurvePlan(
      benchmark: try ArchitectureSpec.load(reference), family: members, tasks: tasks,
      exemplars: count, image: preset.image)
  }

  /// The plan as printed.
  public func render() throws -> String {
    let plan = try plan()
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

  public func run() throws {
    print(try render(), terminator: "")
    guard dryRun else { throw NotWiredYet() }
  }
}

/// Running the curve's grid waits on the verification machinery being rewritten.
struct NotWiredYet: Error, CustomStringConvertible {
  var description: String {
    "strata curve: running the grid (paired seeds, CIs, AUC per method) is not wired yet; it "
      + "waits on the verification rewrite (issues 19 and 21). --dry-run prints the plan above."
  }
}
