import CIL
import NN

/// Verification's grid: candidate splits × total budgets × seeds, seeds paired across
/// candidates. Budgets are any number of byte counts or `DER:N`; a candidate whose model alone
/// exceeds a budget is marked as not fitting it (`fits`) and has no runs there, never an error;
/// a budget that no candidate fits is an error naming the smallest budget that would fit.
public struct VerificationGrid: Sendable, Equatable {
  public struct Candidate: Sendable, Equatable {
    public var split: SplitPoint
    /// DER at `stem`, MEMO elsewhere (MEMO at `none` is one backbone).
    public var learner: LearnerKind
    /// Why it is compared: recommended, neighbour, der, single backbone, requested.
    public var roles: [String]

    public init(split: SplitPoint, learner: LearnerKind? = nil, roles: [String]) {
      self.split = split
      self.learner = learner ?? (split == .at("stem") ? .der : .memo)
      self.roles = roles
    }
  }

  /// One run of the grid.
  public struct Point: Sendable, Equatable, Hashable {
    public var candidate: Int
    public var budget: Int
    public var seed: Int
  }

  /// In forward order of the split.
  public let candidates: [Candidate]
  public let budgets: [MemoryLedger.Budget]
  /// The budgets in bytes after `tasks` tasks.
  public let budgetBytes: [Int]
  public let seeds: [Int]
  public let tasks: Int
  /// Model bytes (4 per backbone parameter, G + T·S) of each candidate after `tasks` tasks.
  public let modelBytes: [Int]
  /// `exemplars[candidate][budget]`: floor((budget − model bytes) / image bytes); nil where the
  /// model alone exceeds the budget.
  public let exemplars: [[Int?]]

  /// Errors: no candidate, budget or seed; a budget or seed given twice; a budget no candidate
  /// fits.
  public init(ledger: MemoryLedger, tasks: Int, candidates: [Candidate],
              budgets: [MemoryLedger.Budget], seeds: [Int]) throws(VerificationGridError)
  {
    precondition(tasks >= 1, "a run has at least one task")
    guard !candidates.isEmpty else { throw VerificationGridError("no candidate split to verify") }
    guard !budgets.isEmpty else { throw VerificationGridError("no budget to verify at") }
    guard !seeds.isEmpty else { throw VerificationGridError("no seed to verify with") }
    let bytes = budgets.map { ledger.bytes(of: $0, tasks: tasks) }
    for (i, b) in bytes.enumerated() where bytes[..<i].contains(b) {
      throw VerificationGridError("budget \(budgets[i]) is \(b) bytes, as an earlier budget: "
                                  + "each budget once")
    }
    if let twice = seeds.enumerated().first(where: { seeds[..<$0.offset].contains($0.element) }) {
      throw VerificationGridError("seed \(twice.element) is given twice")
    }
    let splits = candidates.map(\.split)
    for (i, split) in splits.enumerated() where splits[..<i].contains(split) {
      throw VerificationGridError("candidate \(split) is given twice")
    }
    let exemplars = splits.map { split in
      bytes.map { ledger.exemplars(budget: $0, split: split, tasks: tasks) }
    }
    for (b, budget) in budgets.enumerated() where exemplars.allSatisfy({ $0[b] == nil }) {
      let smallest = ledger.smallestFittingBudget(splits: splits, tasks: tasks)!
      let named = budget.description == "\(bytes[b]) bytes" ? "\(budget)" : "\(budget) (\(bytes[b]) bytes)"
      throw VerificationGridError(
        "budget \(named) fits no candidate: the smallest model, "
          + "\(smallest.split) after \(tasks) tasks, takes \(smallest.bytes) bytes, so the "
          + "smallest budget that fits is \(smallest.bytes) bytes (with no exemplars)")
    }
    self.candidates = candidates
    self.budgets = budgets
    budgetBytes = bytes
    self.seeds = seeds
    self.tasks = tasks
    modelBytes = splits.map { ledger.modelBytes(split: $0, tasks: tasks) }
    self.exemplars = exemplars
  }

  /// The plan's candidates with their roles.
  public static func candidates(_ plan: VerificationPlan) -> [Candidate] {
    plan.candidates.map {
      Candidate(split: $0.split, learner: $0.learner, roles: $0.roles.map(\.rawValue))
    }
  }

  public func fits(candidate c: Int, budget b: Int) -> Bool { exemplars[c][b] != nil }

  /// `fits[candidate, budget]` as verify.h5 stores it: 1 or 0, candidate-major.
  public var fitsTable: [[Int32]] {
    exemplars.map { row in row.map { $0 == nil ? 0 : 1 } }
  }

  /// The runs to train: every fitting (candidate, budget) at every seed, candidate-major.
  public var points: [Point] {
    candidates.indices.flatMap { c in
      budgetBytes.indices.filter { fits(candidate: c, budget: $0) }.flatMap { b in
        seeds.indices.map { Point(candidate: c, budget: b, seed: $0) }
      }
    }
  }

  /// (candidate, budget) pairs skipped because the model does not fit.
  public var notFitting: [(candidate: Int, budget: Int)] {
    candidates.indices.flatMap { c in
      budgetBytes.indices.filter { !fits(candidate: c, budget: $0) }.map { (c, $0) }
    }
  }

  /// The run spec of a point: `base` (the probe run's spec) with the candidate's learner and
  /// split, the budget in bytes and the seed.
  public func runSpec(for point: Point, base: RunSpec) -> RunSpec {
    precondition(fits(candidate: point.candidate, budget: point.budget),
                 "\(candidates[point.candidate].split) does not fit budget \(budgetBytes[point.budget])")
    let candidate = candidates[point.candidate]
    var spec = base
    spec.modelName = candidate.learner
    spec.split = candidate.learner == .memo ? candidate.split.description : nil
    spec.memoryBudget = .bytes(budgetBytes[point.budget])
    spec.seed = seeds[point.seed]
    spec.warnings = []
    return spec
  }
}

/// A verification grid that cannot be run, with why.
public struct VerificationGridError: Error, CustomStringConvertible, Equatable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
