import Analysis
import CIL
import Foundation
import NN
import Recording
import Tensor

/// Plans the verification: which candidates (the recommendation of split.json, its neighbours,
/// DER and one backbone, or splits asked for by name), which learner trains each, at which
/// budgets and seeds. Reads the run record (from probes.h5, or from the spec and its data when
/// there is no probe file) and split.json; trains nothing and writes nothing.
public struct VerificationPlanning: Sendable {
  public struct Request: Sendable {
    /// The probe run's spec: the derived candidate specs are it with another learner, split,
    /// budget and seed.
    public var spec: String
    /// The probe file whose run record describes the run; nil: read the spec and its data.
    public var probes: String?
    /// split.json, for `auto`.
    public var splitFile: String
    /// `auto` (the plan around the recommendation) and/or split names.
    public var splits: [String] = ["auto"]
    /// Total budgets; empty: the run's default (`RunSpec.defaultBudget`).
    public var budgets: [MemoryLedger.Budget] = []
    /// Seeds; empty: the spec's.
    public var seeds: [Int] = []
    /// Folder of runs/ and verify.h5.
    public var directory: String
    /// The sharing runs continue from one task-0 training per seed (false: each trains its
    /// own, as independent runs; for measuring what sharing saves).
    public var sharesTaskZero = true

    public init(spec: String, probes: String?, splitFile: String, directory: String) {
      self.spec = spec
      self.probes = probes
      self.splitFile = splitFile
      self.directory = directory
    }
  }

  public var sweep: VerificationSweep
  /// The split split.json recommends, nil when it recommends none or `auto` was not asked.
  public var recommended: String?
  /// The split the summary verdict judges: the recommendation (under `auto`), else none —
  /// named candidates without auto were not recommended, so nothing is judged (the per-budget
  /// verdicts take the best mean as their reference and say so).
  public var judged: String? { recommended }
  /// The budgets as asked (or the default), the first being the verdict's.
  public var budgets: [MemoryLedger.Budget]
  /// The grid: what fits where, with how many exemplars.
  public var grid: VerificationGrid

  /// The run's facts for planning: its run record when `probes` has one, else the spec's plan
  /// and its data (what the probe stage would record).
  public static func runRecord(spec: String, probes: String?) throws -> (RunRecord, file: String) {
    if let probes, let run = try ProbeFile.open(probes).read().run { return (run, probes) }
    let (plan, data, _) = try RunPlan.load(spec: spec)
    return (try RunRecord(plan: plan, data: data, specFile: spec,
                          context: try ComputeContext.shared()), spec)
  }

  public init(_ request: Request) throws {
    let (run, file) = try Self.runRecord(spec: request.spec, probes: request.probes)
    let runSpec = try run.runSpec(file: file)
    let architecture = try run.network(file: file)
    let ledger = MemoryLedger(architecture, image: run.image)
    let names = request.splits
    var recommended: String?
    // Where the candidates centre: the recommendation, else (no clear split) the best step.
    var center: String?
    if names.contains("auto") {
      let report = try SplitReport.readJSON(request.splitFile)
      // No recommendation: DER and one backbone are still compared, and the verdict says so.
      recommended = report.recommendedSplit
      center = recommended ?? report.decision?.bestStep
      // A split.json of another architecture would name a block this one lacks.
      if let center {
        _ = try architecture.split(named: center, file: request.splitFile,
                                   keyPath: recommended == nil ? "decision.best_step"
                                                               : "recommended_split")
      }
    }
    guard let fallback = runSpec.defaultBudget(classCount: run.classCount) else {
      preconditionFailure("a run record always knows its class count")
    }
    let requested = request.budgets.isEmpty ? [fallback] : request.budgets
    let first = ledger.bytes(of: requested[0], tasks: run.tasks)
    let plan = VerificationPlan(ledger: ledger, tasks: run.tasks,
                                recommended: center.map(SplitPoint.init), budget: .bytes(first))
    var candidates: [VerificationSweep.Candidate] = []
    if names.contains("auto") {
      candidates = plan.candidates.map {
        .init(split: $0.split.description, learner: $0.learner,
              role: $0.roles.map { $0.name(recommended: recommended != nil) }
                .joined(separator: ", "))
      }
    }
    for name in names where name != "auto" && !candidates.contains(where: { $0.split == name }) {
      let split = try architecture.split(named: name, file: request.spec, keyPath: "--splits")
      candidates.append(.init(split: split.description, learner: split == .at("stem") ? .der : .memo,
                              role: VerificationSweep.Candidate.requestedRole))
    }
    let order = architecture.legalSplits.map(\.description)
    candidates.sort { order.firstIndex(of: $0.split)! < order.firstIndex(of: $1.split)! }
    let seeds = request.seeds.isEmpty ? [runSpec.seed] : request.seeds
    do {
      grid = try VerificationGrid(
        ledger: ledger, tasks: run.tasks,
        candidates: try candidates.map {
          .init(split: try architecture.split(named: $0.split, file: request.spec, keyPath: "--splits"),
                learner: $0.learner, roles: [$0.role])
        },
        budgets: requested, seeds: seeds)
    } catch let error as VerificationGridError {
      throw SweepError(path: request.spec, message: error.description)
    }
    sweep = VerificationSweep(specFile: request.spec, directory: request.directory,
                              candidates: candidates, budgets: grid.budgetBytes, seeds: seeds,
                              fits: grid.fitsTable, sharesTaskZero: request.sharesTaskZero)
    self.recommended = recommended
    budgets = requested
  }
}
