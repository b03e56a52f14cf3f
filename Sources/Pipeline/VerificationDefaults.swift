import CIL
import Foundation

/// A spec's own verification settings for `strata run`: `verify_seeds` (array of integers) and
/// `verify_budgets` (array of byte counts or "DER:N" strings). Command-line `--seeds` and
/// `--budget` win over them; without either, the verify stage uses the spec's seed and its
/// default budget.
public struct VerificationDefaults: Sendable, Equatable {
  public var seeds: [Int] = []
  public var budgets: [MemoryLedger.Budget] = []

  public init(seeds: [Int] = [], budgets: [MemoryLedger.Budget] = []) {
    self.seeds = seeds
    self.budgets = budgets
  }

  /// Reads the keys of the spec at `path`; a wrong value is an error naming the file and key.
  public static func read(_ path: String) throws -> VerificationDefaults {
    let json = try RunSpec.object(try RunSpec.contents(of: path), file: path)
    var defaults = VerificationDefaults()
    if let value = json["verify_seeds"] {
      let seeds = (value as? [Any])?.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
      guard let seeds, !seeds.isEmpty, seeds.count == (value as? [Any])?.count else {
        throw RunSpecError(file: path, key: "verify_seeds", message: "a non-empty array of integers")
      }
      defaults.seeds = seeds
    }
    if let value = json["verify_budgets"] {
      guard let list = value as? [Any], !list.isEmpty else {
        throw RunSpecError(file: path, key: "verify_budgets",
                           message: "a non-empty array of byte counts or \"DER:N\"")
      }
      for item in list {
        let text = (item as? String) ?? (item as? NSNumber).map { "\($0.int64Value)" } ?? "\(item)"
        guard let budget = MemoryLedger.Budget(parsing: text) else {
          throw RunSpecError(file: path, key: "verify_budgets",
                             message: "\(text) is neither bytes nor DER:N")
        }
        defaults.budgets.append(budget)
      }
    }
    return defaults
  }
}
