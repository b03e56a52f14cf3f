import CIL
import Foundation
import HDF5

/// What verification measured: every candidate split retrained at every budget and seed, and the
/// verdict on the recommended split. The input of `VerifyFile`.
public struct VerificationRecord: Sendable {
  public struct Run: Sendable {
    public var candidate: String
    public var budget: Int
    public var seed: Int
    public var summary: TrainingSummary
    public init(candidate: String, budget: Int, seed: Int, summary: TrainingSummary) {
      self.candidate = candidate
      self.budget = budget
      self.seed = seed
      self.summary = summary
    }
  }

  public struct Verdict: Sendable, Equatable {
    /// "verified" or "not verified".
    public var status: String
    public var recommended: String
    /// The candidate with the best mean metric at the first budget.
    public var best: String
    /// The metric compared: `average_incremental_accuracy` or `last_accuracy`.
    public var metric: String
    /// The largest shortfall of the recommended split that still counts as verified (fraction).
    public var tolerance: Double
    /// One sentence a person can read.
    public var reason: String
    public init(status: String, recommended: String, best: String, metric: String,
                tolerance: Double, reason: String)
    {
      self.status = status
      self.recommended = recommended
      self.best = best
      self.metric = metric
      self.tolerance = tolerance
      self.reason = reason
    }
  }

  public var candidates: [String]
  /// Why each candidate is there: recommended, neighbour, DER, single backbone, requested.
  public var roles: [String]
  /// Total budgets in bytes (model + exemplars); the first is the one the verdict uses.
  public var budgets: [Int]
  public var seeds: [Int]
  public var runs: [Run]
  public var verdict: Verdict
  public var provenance: Provenance
  /// The run record of the run verified (`/run`; class order and names are those of the first
  /// seed's run); nil in files written before it existed.
  public var run: RunRecord?
  /// The grid's statistics (fits, per-budget verdicts, paired differences, AUC); nil in files
  /// written before they existed.
  public var statistics: VerificationStatisticsArrays?
  /// How many task-0 trainings the sweep's runs continued from (root attribute
  /// `task0_trainings`); nil when not recorded.
  public var taskZeroTrainings: Int?

  public init(candidates: [String], roles: [String], budgets: [Int], seeds: [Int], runs: [Run],
              verdict: Verdict, provenance: Provenance, run: RunRecord? = nil)
  {
    self.run = run
    self.candidates = candidates
    self.roles = roles
    self.budgets = budgets
    self.seeds = seeds
    self.runs = runs
    self.verdict = verdict
    self.provenance = provenance
  }

  /// The run of one grid point, if present.
  public func run(_ candidate: String, budget: Int, seed: Int) -> Run? {
    runs.first { $0.candidate == candidate && $0.budget == budget && $0.seed == seed }
  }
}

/// `verify.h5`: netCDF-4 style, every axis a dimension scale (`candidate`, `budget`, `seed`,
/// `task`, `task_seen`), one variable per measure, the verdict and provenance at the root.
/// Written to `<path>.partial`, then renamed over `path`.
public enum VerifyFile {
  public static func write(_ record: VerificationRecord, to path: String) throws {
    // Candidate-major slots; nil where the candidate does not fit the budget (`fits` = 0).
    var slots: [VerificationRecord.Run?] = []
    var missing: [String] = []
    for (c, candidate) in record.candidates.enumerated() {
      for (b, budget) in record.budgets.enumerated() {
        let fits = record.statistics.map { $0.fits[c][b] == 1 } ?? true
        for seed in record.seeds {
          let run = record.run(candidate, budget: budget, seed: seed)
          if fits && run == nil { missing.append("\(candidate) at \(budget) bytes, seed \(seed)") }
          slots.append(fits ? run : nil)
        }
      }
    }
    guard missing.isEmpty else {
      throw RecordingError(path: path, message: "runs missing: " + missing.joined(separator: "; "))
    }
    let grid = slots.compactMap { $0 }
    guard !grid.isEmpty else { throw RecordingError(path: path, message: "no run to record") }
    let tasks = grid[0].summary.cnn.taskCount
    if let odd = grid.first(where: { $0.summary.cnn.taskCount != tasks }) {
      throw RecordingError(path: path, message: "\(odd.summary.path) has "
        + "\(odd.summary.cnn.taskCount) tasks, the others \(tasks)")
    }
    let nan = { (count: Int) in Array(repeating: Double.nan, count: count) }
    func doubles(_ per: Int, _ values: (TrainingSummary) -> [Double]) -> [Double] {
      slots.flatMap { $0.map { values($0.summary) } ?? nan(per) }
    }
    func integers(_ values: (TrainingSummary) -> [Int]) -> [Int64] {
      slots.flatMap { $0.map { values($0.summary).map(Int64.init) }
        ?? Array(repeating: -1, count: tasks) }
    }

    try writeAtomically(path) { file in
      let root = file.root
      try root.createCoordinate("candidate", values: record.candidates)
      try root.createCoordinate("budget", values: record.budgets.map(Int64.init))
      try root.createCoordinate("seed", values: record.seeds.map(Int64.init))
      try root.createCoordinate("task", values: (0..<tasks).map(Int32.init))
      try root.createCoordinate("task_seen", values: (0..<tasks).map(Int32.init))
      try root.describe("candidate", "split candidate", "",
                        "first specialized block; stem = DER (a backbone per task), none = one backbone")
      try root.describe("budget", "total memory budget", "bytes",
                        "model bytes (4 per backbone parameter) plus exemplar bytes (raw uint8 images)")
      try root.describe("seed", "random seed", "1", "seed of initialization and data order")
      try root.describe("task", "task trained", "1",
                        "0-based task index as in every Strata file (task 0 is the first task)")
      try root.describe("task_seen", "task evaluated", "1", "0-based task whose classes are scored")
      try root.createVariable("method", dimensions: ["candidate"],
                              values: record.candidates.map { c in
                                grid.first { $0.candidate == c }?.summary.method ?? (c == "stem" ? "der" : "memo")
                              })
      try root.describe("method", "learner", "", "the learner that trained the candidate (memo, der)")
      try root.createVariable("role", dimensions: ["candidate"], values: record.roles)
      try root.describe("role", "why the candidate is compared", "",
                        "recommended, neighbour, DER, single backbone or requested")

      let point = ["candidate", "budget", "seed"]
      func variable(_ name: String, _ dims: [String], _ values: [Double], _ long: String,
                    _ units: String, _ description: String) throws
      {
        try root.createVariable(name, dimensions: point + dims, values: values)
        try root.describe(name, long, units, description)
      }
      try variable("accuracy_cnn", ["task", "task_seen"],
                   doubles(tasks * tasks) { $0.cnn.values.flatMap { $0 } },
                   "classifier (CNN) top-1 accuracy per task", "1",
                   "after task t on the test images of task j's classes; NaN for j > t")
      try variable("accuracy_cnn_total", ["task"], doubles(tasks) { $0.cnn.total },
                   "classifier (CNN) top-1 accuracy on all seen classes", "1",
                   "after task t on every class seen so far")
      try variable("accuracy_nme", ["task", "task_seen"],
                   doubles(tasks * tasks) { $0.nme?.values.flatMap { $0 } ?? nan(tasks * tasks) },
                   "nearest-mean (NME) top-1 accuracy per task", "1",
                   "as accuracy_cnn with the nearest class mean; NaN for a method without exemplars")
      try variable("accuracy_nme_total", ["task"],
                   doubles(tasks) { $0.nme?.total ?? nan(tasks) },
                   "nearest-mean (NME) top-1 accuracy on all seen classes", "1",
                   "NaN for a method without exemplars or a candidate that does not fit")
      try variable("average_incremental_accuracy", [], doubles(1) { [$0.cnn.averageIncrementalAccuracy] },
                   "average incremental accuracy (CNN)", "1", "mean over tasks of accuracy_cnn_total")
      try variable("last_accuracy", [], doubles(1) { [$0.cnn.lastAccuracy] },
                   "last accuracy (CNN)", "1", "accuracy_cnn_total after the last task")
      try variable("forgetting", [], doubles(1) { [$0.cnn.forgetting] }, "average forgetting (CNN)",
                   "1", "mean over old tasks of the best earlier accuracy minus the last")
      for (name, values, units, long) in [
        ("model_bytes", integers(\.modelBytes), "bytes", "model bytes after the task"),
        ("exemplars", integers(\.exemplars), "1", "exemplars after the task"),
        ("total_bytes", integers(\.totalBytes), "bytes", "model plus exemplar bytes after the task"),
      ] {
        try root.createVariable(name, dimensions: point + ["task"], values: values)
        try root.describe(name, long, units, long + "; -1 where the candidate does not fit the budget")
      }
      if let statistics = record.statistics { try writeStatistics(statistics, into: root) }
      let attributes = root.attributes
      let v = record.verdict
      try attributes.write("verdict", v.status)
      try attributes.write("recommended", v.recommended)
      try attributes.write("best", v.best)
      try attributes.write("metric", v.metric)
      try attributes.write("tolerance", v.tolerance)
      try attributes.write("verdict_reason", v.reason)
      try attributes.write("architecture", grid[0].summary.architecture)
      try attributes.write("dataset", grid[0].summary.dataset)
      if let trainings = record.taskZeroTrainings {
        try attributes.write("task0_trainings", Int32(trainings))
      }
      try record.provenance.write(to: attributes)
      try record.run?.write(into: root)
    }
  }
}

extension VerifyFile {
  /// Reads a file written by `write` back into the record (each run's summary rebuilt from the
  /// arrays; its `path` names the file and the grid point).
  public static func read(_ path: String) throws -> VerificationRecord {
    try readingHDF5(path) { try readRecord(path) }
  }

  private static func readRecord(_ path: String) throws -> VerificationRecord {
    let file: HDF5File
    do {
      file = try HDF5File.open(path)
    } catch {
      throw RecordingError(path: path, message: "not a readable verification file: \(error)")
    }
    defer { try? file.close() }
    let root = file.root
    for name in ["candidate", "budget", "seed", "task", "accuracy_cnn", "role", "method",
                 "accuracy_cnn_total", "accuracy_nme", "accuracy_nme_total", "model_bytes",
                 "exemplars", "total_bytes"]
    where !(try root.contains(name)) {
      throw RecordingError(path: path, message: "no variable \(name); not a verification file")
    }
    let candidates = try root.openDataset("candidate").read(String.self)
    let budgets = try root.openDataset("budget").read(Int64.self).map(Int.init)
    let seeds = try root.openDataset("seed").read(Int64.self).map(Int.init)
    for name in ["candidate", "budget", "seed"] { _ = try root.coordinateLength(name, file: path) }
    let tasks = try root.coordinateLength("task", file: path)
    let points = candidates.count * budgets.count * seeds.count
    func values<T: HDF5Element>(_ name: String, _ type: T.Type, per: Int) throws -> [T] {
      let v = try root.openDataset(name).read(T.self)
      guard v.count == points * per else {
        throw RecordingError(path: path, message: "\(name) has \(v.count) values, expected \(points * per)")
      }
      return v
    }
    let cnn = try values("accuracy_cnn", Double.self, per: tasks * tasks)
    let cnnTotal = try values("accuracy_cnn_total", Double.self, per: tasks)
    let nme = try values("accuracy_nme", Double.self, per: tasks * tasks)
    let nmeTotal = try values("accuracy_nme_total", Double.self, per: tasks)
    let model = try values("model_bytes", Int64.self, per: tasks)
    let exemplars = try values("exemplars", Int64.self, per: tasks)
    let total = try values("total_bytes", Int64.self, per: tasks)
    let methods = try root.openDataset("method").read(String.self)
    let roles = try root.openDataset("role").read(String.self)
    for (name, values) in [("method", methods), ("role", roles)] where values.count != candidates.count {
      throw RecordingError(path: path, message: "\(name) has \(values.count) values, expected "
                           + "\(candidates.count) (one per candidate)")
    }
    let attributes = root.attributes
    for name in ["verdict", "recommended", "best", "metric", "tolerance", "verdict_reason",
                 "architecture", "dataset"] where !(try attributes.contains(name)) {
      throw RecordingError(path: path, message: "no root attribute '\(name)'; not a verification file")
    }
    func matrix(_ v: [Double], _ t: [Double], _ i: Int) -> AccuracyMatrix {
      var m = AccuracyMatrix(taskCount: tasks)
      for row in 0..<tasks {
        let start = (i * tasks + row) * tasks
        m.append(perTask: Array(v[start...start + row]), total: t[i * tasks + row])
      }
      return m
    }
    let statistics = try readStatistics(root, candidates: candidates.count, budgets: budgets.count,
                                        seeds: seeds.count, path: path)
    var runs: [VerificationRecord.Run] = []
    var i = 0
    for (c, candidate) in candidates.enumerated() {
      for (b, budget) in budgets.enumerated() {
        for seed in seeds {
          // No run where the candidate does not fit (its slots hold NaN and -1).
          if let statistics, statistics.fits[c][b] != 1 {
            i += 1
            continue
          }
          let slice = i * tasks..<(i + 1) * tasks
          let hasNME = nmeTotal[slice].contains { !$0.isNaN }
          let summary = TrainingSummary(
            path: "\(path)[\(candidate), \(budget), \(seed)]", method: methods[c],
            split: candidate, architecture: try attributes.read("architecture"),
            dataset: try attributes.read("dataset"), seed: seed, cnn: matrix(cnn, cnnTotal, i),
            nme: hasNME ? matrix(nme, nmeTotal, i) : nil,
            modelBytes: model[slice].map(Int.init), exemplars: exemplars[slice].map(Int.init),
            totalBytes: total[slice].map(Int.init))
          runs.append(.init(candidate: candidate, budget: budget, seed: seed, summary: summary))
          i += 1
        }
      }
    }
    let verdict = VerificationRecord.Verdict(
      status: try attributes.read("verdict"), recommended: try attributes.read("recommended"),
      best: try attributes.read("best"), metric: try attributes.read("metric"),
      tolerance: try attributes.read("tolerance"), reason: try attributes.read("verdict_reason"))
    var record = VerificationRecord(candidates: candidates, roles: roles,
                                    budgets: budgets, seeds: seeds, runs: runs, verdict: verdict,
                                    provenance: try Provenance(reading: attributes, path: path),
                                    run: try RunRecord(reading: root, path: path))
    record.statistics = statistics
    if try attributes.contains("task0_trainings") {
      record.taskZeroTrainings = Int(try attributes.read("task0_trainings", as: Int32.self))
    }
    return record
  }
}
