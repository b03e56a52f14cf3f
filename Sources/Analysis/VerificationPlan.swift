import CIL
import NN

/// What `strata verify` retrains, all at one total memory budget (MEMO, Zhou et al., ICLR
/// 2023, §4.2: methods compared at aligned memory): MEMO at the recommended split and its
/// neighbours in block order, DER (`stem`, a backbone per task) and a single backbone
/// (`none`). Each candidate gets the exemplars its model leaves in the budget, from the
/// memory ledger: floor((budget − model bytes) / image bytes).
public struct VerificationPlan: Sendable, Equatable {
  public enum Role: String, Sendable, Codable, CaseIterable {
    case recommended, neighbour, der
    case singleBackbone = "single backbone"

    /// The role as shown: without a recommendation the plan's centre is the decision's best
    /// step, and says so.
    public func name(recommended: Bool) -> String {
      !recommended && self == .recommended ? "best step" : rawValue
    }
  }

  public struct Candidate: Sendable, Equatable {
    /// The ledger line at the plan's budget: G, S, model bytes, exemplars (nil when the model
    /// alone exceeds the budget, so the candidate cannot run).
    public var ledger: MemoryLedger.Entry
    /// Why it is in the plan; one split can have several roles (`stem` is DER and may
    /// neighbour the recommendation).
    public var roles: [Role]
    /// DER for `stem`, MEMO otherwise (at `none` MEMO is one backbone trained by the same
    /// learner, so only what is copied per task changes).
    public var learner: LearnerKind

    public var split: SplitPoint { ledger.split }
    public var exemplars: Int? { ledger.exemplars }
  }

  public let architecture: String
  /// Tasks of the run, base task included (T in G + T·S).
  public let tasks: Int
  public let imageBytes: Int
  public let budget: MemoryLedger.Budget
  public let budgetBytes: Int
  /// In forward order of the split.
  public let candidates: [Candidate]

  /// The plan around `recommended` (nil: only DER and the single backbone) after `tasks`
  /// tasks at `budget`.
  public init(ledger: MemoryLedger, tasks: Int, recommended: SplitPoint?,
              budget: MemoryLedger.Budget)
  {
    let splits = ledger.architecture.legalSplits
    var roles: [SplitPoint: [Role]] = [.at("stem"): [.der], .none: [.singleBackbone]]
    if let recommended, let i = splits.firstIndex(of: recommended) {
      roles[recommended, default: []].insert(.recommended, at: 0)
      for j in [i - 1, i + 1] where splits.indices.contains(j) {
        roles[splits[j], default: []].append(.neighbour)
      }
    }
    architecture = ledger.architecture.name
    self.tasks = tasks
    imageBytes = ledger.imageBytes
    self.budget = budget
    budgetBytes = ledger.bytes(of: budget, tasks: tasks)
    candidates = ledger.entries(tasks: tasks, budget: budgetBytes).compactMap { entry in
      roles[entry.split].map { roles in
        Candidate(ledger: entry, roles: roles, learner: entry.split == .at("stem") ? .der : .memo)
      }
    }
  }

  /// The plan's candidate at `split`, if any.
  public func candidate(_ split: SplitPoint) -> Candidate? {
    candidates.first { $0.split == split }
  }

  /// The run spec that retrains `candidate`: `base` (the probe run's spec: data, tasks,
  /// schedule, seed) with the candidate's learner and split and the plan's total budget in
  /// bytes, from which the run's own ledger derives the same exemplar count.
  public func runSpec(for candidate: Candidate, base: RunSpec) -> RunSpec {
    var spec = base
    spec.modelName = candidate.learner
    spec.split = candidate.learner == .memo ? candidate.split.description : nil
    spec.memoryBudget = .bytes(budgetBytes)
    spec.warnings = []
    return spec
  }
}
