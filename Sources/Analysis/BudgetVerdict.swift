import Foundation

/// The verdict at one budget, from paired differences over seeds (`AccuracyGrid`), answering two
/// questions apart (MEMO, Zhou et al., ICLR 2023, compares both at aligned memory):
/// 1. which split — the reference among the MEMO candidates (every split but `stem` and `none`);
/// 2. expand at all — the reference against one backbone (`none`) and against DER (`stem`).
///
/// The reference is the recommended split; without one, or when it does not fit the budget, the
/// MEMO candidate with the best mean (failing that, any candidate's best mean), and `reference`
/// says which. A candidate is better or worse than the reference only when the 95% t interval of
/// their paired difference excludes 0; with fewer than two seeds nothing is separated.
public struct BudgetVerdict: Sendable, Equatable {
  /// How the reference was chosen.
  public enum ReferenceChoice: String, Sendable, Equatable {
    case recommended
    /// No split was recommended: the best mean.
    case bestMeanWithoutRecommendation = "best mean (no recommended split)"
    /// The recommended split does not fit this budget: the best mean.
    case bestMeanRecommendedDoesNotFit = "best mean (the recommended split does not fit)"
  }

  /// Where the reference stands in a comparison.
  public enum Standing: Sendable, Equatable {
    /// Its interval against every other candidate lies above 0.
    case best
    /// No candidate is better, and these (best mean first) cannot be told from it.
    case tied(with: [String])
    /// This candidate (the largest significant lead) is better.
    case worse(than: String)
    /// Fewer than two paired seeds: no interval, no verdict.
    case cannotSeparate(seeds: Int)
    /// Nothing to compare with: no other candidate fits the budget (or it is not in the grid).
    case nothingToCompare

    /// `best`, `tied`, `worse`, `cannot separate`, `nothing to compare`.
    public var status: String {
      switch self {
      case .best: "best"
      case .tied: "tied"
      case .worse: "worse"
      case .cannotSeparate: "cannot separate"
      case .nothingToCompare: "nothing to compare"
      }
    }
  }

  public var budget: Int
  /// Nil when no candidate fits the budget.
  public var reference: String?
  public var referenceChoice: ReferenceChoice
  /// Question 1: the reference among the MEMO candidates.
  public var split: Standing
  /// Question 2: the reference against one backbone and against DER.
  public var versusSingleBackbone: Standing
  public var versusDER: Standing
  /// `candidate − reference` per candidate in grid order (NaN where it does not fit; 0 with a
  /// zero-width interval for the reference itself).
  public var differences: [MeanInterval]
  /// One paragraph a person can read: `verdict[budget]` in verify.h5.
  public var sentence: String

  public static let singleBackbone = "none"
  public static let der = "stem"

  /// Judges budget index `b` of `grid` for `recommended` (a candidate name, or nil).
  public init(grid: AccuracyGrid, budget b: Int, recommended: String?,
              confidence: Double = MeanInterval.defaultConfidence)
  {
    budget = grid.budgets[b]
    let names = grid.candidates
    let fitting = names.indices.filter { grid.hasValues($0, budget: b) }
    let memo = fitting.filter { names[$0] != Self.der && names[$0] != Self.singleBackbone }
    let bestMean = { (pool: [Int]) in pool.max { grid.mean($0, budget: b) < grid.mean($1, budget: b) } }
    var choice = ReferenceChoice.recommended
    var r: Int?
    if let recommended, let i = grid.index(of: recommended), fitting.contains(i) {
      r = i
    } else {
      choice = recommended == nil ? .bestMeanWithoutRecommendation : .bestMeanRecommendedDoesNotFit
      r = bestMean(memo) ?? bestMean(fitting)
    }
    referenceChoice = choice
    guard let r else {
      reference = nil
      (split, versusSingleBackbone, versusDER) = (.nothingToCompare, .nothingToCompare, .nothingToCompare)
      differences = names.map { _ in MeanInterval([]) }
      sentence = "\(budget) bytes: no candidate fits this budget"
      return
    }
    reference = names[r]
    let d = names.indices.map { grid.pairedDifference($0, reference: r, budget: b, confidence: confidence) }
    differences = d
    func standing(among others: [Int]) -> Standing {
      let others = others.filter { $0 != r && fitting.contains($0) }
      guard !others.isEmpty else { return .nothingToCompare }
      let seeds = others.map { d[$0].count }.min()!
      guard seeds >= 2 else { return .cannotSeparate(seeds: seeds) }
      if let lead = others.filter({ d[$0].isAboveZero }).max(by: { d[$0].mean < d[$1].mean }) {
        return .worse(than: names[lead])
      }
      if others.allSatisfy({ d[$0].isBelowZero }) { return .best }
      return .tied(with: others.filter { d[$0].containsZero }.sorted { d[$0].mean > d[$1].mean }
        .map { names[$0] })
    }
    split = standing(among: memo)
    let pair = { (name: String) in names.firstIndex(of: name).map { standing(among: [$0]) } ?? .nothingToCompare }
    versusSingleBackbone = names[r] == Self.singleBackbone ? .nothingToCompare : pair(Self.singleBackbone)
    versusDER = names[r] == Self.der ? .nothingToCompare : pair(Self.der)

    // The sentence.
    let points = { (x: Double) in String(format: "%+.2f", 100 * x) }
    let interval = { (i: Int) in
      d[i].hasInterval
        ? "\(points(d[i].mean)) points, \(Int((100 * confidence).rounded()))% CI \(points(d[i].low)) to \(points(d[i].high))"
        : "\(points(d[i].mean)) points" }
    let ref = names[r]
    // The budget is the verdict's axis wherever it is shown (verify.h5, tables): not repeated.
    var text = "Reference \(ref)"
      + (choice == .recommended ? " (recommended)" : " (\(choice.rawValue))") + ". "
    func describe(_ s: Standing, pairwise: String?) -> String {
      switch s {
      case .best:
        return pairwise.map { "\(ref) is better than \($0) (\($0) \(interval(names.firstIndex(of: $0)!)))" }
          ?? "\(ref) is best: every other MEMO split is worse"
      case .tied(let with):
        return "\(ref) is tied with " + with.map { "\($0) (\(interval(names.firstIndex(of: $0)!)))" }
          .joined(separator: ", ")
      case .worse(let than):
        return "\(ref) is worse than \(than) (\(than) \(interval(names.firstIndex(of: than)!)))"
      case .cannotSeparate(let seeds):
        return "\(seeds) seed\(seeds == 1 ? "" : "s") cannot separate the candidates; run at least 2 (3 or more to narrow the interval)"
      case .nothingToCompare:
        return pairwise.map {
          $0 == ref ? "the reference is \($0) itself"
            : names.contains($0) ? "\($0) does not fit this budget" : "\($0) is not a candidate"
        } ?? "no other MEMO split fits this budget"
      }
    }
    text += "Which split: " + describe(split, pairwise: nil) + ". "
    text += "Expand at all: " + describe(versusSingleBackbone, pairwise: Self.singleBackbone)
      + "; " + describe(versusDER, pairwise: Self.der) + "."
    sentence = text
  }
}
