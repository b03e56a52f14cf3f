/// One metric's depth profiles: a value per seed, task and body block (`values[seed][task][block]`,
/// blocks in forward order, never the head), oriented so that larger means the block changes
/// more for a new task. Each (seed, task) pair is one profile, the unit the split decision
/// resamples over.
public struct DepthProfiles: Sendable, Equatable {
  /// The metric's name in files and tables (`1-cka_old`, `grad_norm`, …).
  public let metric: String
  /// The body blocks, in forward order.
  public let blocks: [String]
  public let seeds: [Int]
  /// 1-based tasks (t ≥ 1).
  public let tasks: [Int]
  /// [seed][task][block].
  public let values: [[[Double]]]

  public init(metric: String, blocks: [String], seeds: [Int], tasks: [Int], values: [[[Double]]]) {
    precondition(!blocks.contains("head"), "the head is never a split candidate; pass body blocks")
    precondition(values.count == seeds.count && values.allSatisfy {
      $0.count == tasks.count && $0.allSatisfy { $0.count == blocks.count } },
      "values must be [seed][task][block]: \(seeds.count) × \(tasks.count) × \(blocks.count)")
    self.metric = metric
    self.blocks = blocks
    self.seeds = seeds
    self.tasks = tasks
    self.values = values
  }

  /// The profiles with every value finite, as (seed index, task index, values).
  var finiteProfiles: [(seed: Int, task: Int, values: [Double])] {
    values.indices.flatMap { s in
      values[s].indices.compactMap { t in
        values[s][t].allSatisfy(\.isFinite) ? (s, t, values[s][t]) : nil
      }
    }
  }

  /// Per seed, the mean over its tasks whose profile is finite (nil for a seed with none): the
  /// per-seed profiles of split.h5 and of the agreement.
  public var seedMeans: [[Double]?] {
    values.map { tasks in
      let finite = tasks.filter { $0.allSatisfy(\.isFinite) }
      guard !finite.isEmpty else { return nil }
      return blocks.indices.map { b in finite.reduce(0) { $0 + $1[b] } / Double(finite.count) }
    }
  }
}
