import CIL
import Foundation
import NN
import Recording

/// Plans a run of MEMO's accuracy–memory curve (ICLR 2023, §5) on a run spec's data and
/// protocol: the budget points over a family of backbones (`AccuracyMemoryCurvePlan`, with the
/// spec's image and task count), and the grid the verification machinery trains — methods ×
/// points × paired seeds, each a `strata train` of the spec with that method, the point's budget
/// and the point's backbone (the benchmark backbone for the exemplar-based method). Reads the
/// spec and its data; trains nothing and writes nothing.
public struct CurvePlanning: Sendable {
  public struct Request: Sendable {
    /// The run spec: data, tasks, schedule; its `family`, `architecture` and `memory_size` are
    /// the curve's defaults.
    public var spec: String
    /// Folder of runs/, curve.h5 and report/.
    public var directory: String
    /// A family that replaces the spec's (`--family FILE`); nil: the spec's `family`.
    public var family: [ResNetArchitecture]?
    /// The family when the spec names none (a benchmark's built-in one); nil: an error then.
    public var defaultFamily: [ResNetArchitecture]?
    /// The exemplar-based method's backbone (a built-in name or a spec file); nil: the spec's
    /// architecture.
    public var backbone: String?
    /// The reference exemplars; nil: the spec's `memory_size`.
    public var exemplars: Int?
    /// Seeds; empty: the spec's `verify_seeds`, else its seed.
    public var seeds: [Int] = []
    /// The exemplar-based method: iCaRL or replay.
    public var exemplarMethod: LearnerKind = .icarl
    /// Runs of one backbone and seed continue from one task-0 training.
    public var sharesTaskZero = true

    public init(spec: String, directory: String) {
      self.spec = spec
      self.directory = directory
    }
  }

  public var plan: AccuracyMemoryCurvePlan
  public var sweep: VerificationSweep
  /// The architecture spec files the runs read (path, JSON) for backbones that are not
  /// built-ins; `CurveStage` writes them before the runs.
  public var architectureFiles: [(path: String, data: Data)]
  /// `backbones[candidate][budget]`: the architecture each method trains at each point.
  public var backbones: [[String]]
  /// `splits[candidate][budget]`: MEMO's split, `stem` for DER, `none` for the exemplar-based.
  public var splits: [[String]]
  /// `exemplars[candidate][budget]`: the ledger's count, nil where the model does not fit.
  public var exemplars: [[Int?]]

  public init(_ request: Request) throws {
    guard [.icarl, .replay].contains(request.exemplarMethod) else {
      throw SweepError(path: request.spec, message: "the exemplar-based method is icarl or "
                       + "replay, not \(request.exemplarMethod.rawValue)")
    }
    let (run, file) = try VerificationPlanning.runRecord(spec: request.spec, probes: nil)
    let spec = try run.runSpec(file: file)
    guard let family = try request.family ?? spec.loadFamily(file: request.spec)
      ?? request.defaultFamily
    else {
      throw RunSpecError(file: request.spec, key: "family", message: "the spec names no family: "
        + "add \"family\": [architectures, smallest first], or name a benchmark (cifar, imagenet) "
        + "or a --family file")
    }
    let benchmarkName = request.backbone ?? spec.architecture
    let benchmark = try ArchitectureSpec.load(
      ResNetArchitecture.builtIn(benchmarkName) != nil
        ? benchmarkName : RunSpec.resolve(benchmarkName, besides: request.spec))
    plan = AccuracyMemoryCurvePlan(
      benchmark: benchmark, family: family, tasks: run.tasks,
      exemplars: request.exemplars ?? spec.memorySize, image: run.image)
    let budgets = plan.points.map(\.budget)
    for (i, b) in budgets.enumerated() where budgets[..<i].contains(b) {
      throw SweepError(path: request.spec, message: "points \(budgets.firstIndex(of: b)! + 1) and "
        + "\(i + 1) have the same budget, \(b) bytes: the family's backbones must differ in size")
    }

    // Built-ins by name; any other backbone as its spec in DIR/architectures/.
    var files: [(path: String, data: Data)] = []
    func reference(_ architecture: ResNetArchitecture) -> String {
      let data = ArchitectureSpec.encode(architecture)
      if let builtIn = ResNetArchitecture.builtIn(architecture.name),
         ArchitectureSpec.encode(builtIn) == data
      {
        return architecture.name
      }
      let safe = String(architecture.name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
      var path = "\(request.directory)/architectures/\(safe).json"
      if let same = files.first(where: { $0.data == data }) { return same.path }
      if files.contains(where: { $0.path == path }) {
        path = "\(request.directory)/architectures/\(safe)-\(files.count).json"
      }
      files.append((URL(fileURLWithPath: path).standardized.path, data))
      return files.last!.path
    }
    let method = request.exemplarMethod.rawValue
    let points = plan.points
    let benchmarkReference = reference(benchmark)
    let backbones = [points.map { reference($0.backbone) }, points.map { reference($0.backbone) },
                     points.map { _ in benchmarkReference }]
    let splits = [points.map(\.memoSplit.description), points.map { _ in "stem" },
                  points.map { _ in "none" }]
    let exemplars = [points.map(\.memo), points.map(\.der), points.map(\.exemplarBased)]
    let candidates: [VerificationSweep.Candidate] = [
      .init(split: "memo", learner: .memo, role: "MEMO, the point's backbone"),
      .init(split: "der", learner: .der, role: "DER, the point's backbone"),
      .init(split: method, learner: request.exemplarMethod,
            role: "exemplar-based, the benchmark backbone \(benchmark.name)"),
    ]
    let seeds = !request.seeds.isEmpty ? request.seeds
      : try VerificationDefaults.read(request.spec).seeds.nilIfEmpty ?? [spec.seed]
    if let twice = seeds.enumerated().first(where: { seeds[..<$0.offset].contains($0.element) }) {
      throw SweepError(path: request.spec, message: "seed \(twice.element) is given twice")
    }
    var sweep = VerificationSweep(
      specFile: request.spec, directory: request.directory, candidates: candidates,
      budgets: budgets, seeds: seeds,
      fits: exemplars.map { row in row.map { $0 == nil ? 0 : 1 } },
      sharesTaskZero: request.sharesTaskZero)
    sweep.overrides = candidates.indices.map { c in
      points.indices.map { b in
        c == 0 ? ["architecture": backbones[c][b], "split": splits[c][b]]
          : ["architecture": backbones[c][b]]
      }
    }
    self.sweep = sweep
    self.backbones = backbones
    self.splits = splits
    self.exemplars = exemplars
    architectureFiles = files
  }

  /// The task-0 trainings the curve needs: one per backbone and seed when runs share task 0
  /// (MEMO and DER of a point; the exemplar-based method at every point with the benchmark
  /// backbone, and with MEMO and DER where the point's backbone is the benchmark's), else one
  /// per run.
  public var taskZeroTrainings: Int {
    guard sweep.sharesTaskZero ?? false else { return sweep.points.count }
    let candidates = sweep.candidates.map(\.split)
    return Set(sweep.points.map { point in
      let c = candidates.firstIndex(of: point.candidate)!
      let b = sweep.budgets.firstIndex(of: point.budget)!
      return "\(backbones[c][b]) \(point.seed)"
    }).count
  }
}

extension Array {
  fileprivate var nilIfEmpty: Self? { isEmpty ? nil : self }
}
