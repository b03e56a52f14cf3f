import CIL
import Foundation
import Recording
import Tensor

/// Verification's grid — candidate splits × budgets × seeds — as sweep tasks: one derived run
/// spec and one `strata train` per point, each writing its own training record under
/// `directory/runs/`. The same tasks run locally or as a Slurm job array; merging reads only
/// the files. Codable: a Slurm sweep's array tasks and merge job read it back from a manifest.
public struct VerificationSweep: Sendable, Equatable, Codable {
  /// A split to retrain, the learner that trains it (DER at `stem`, MEMO elsewhere) and why it
  /// is compared.
  public struct Candidate: Sendable, Equatable, Codable {
    public var split: String
    public var learner: LearnerKind
    public var role: String
    public init(split: String, learner: LearnerKind, role: String) {
      self.split = split
      self.learner = learner
      self.role = role
    }

    enum CodingKeys: String, CodingKey { case split, learner, role }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      split = try container.decode(String.self, forKey: .split)
      role = try container.decode(String.self, forKey: .role)
      let name = try container.decode(String.self, forKey: .learner)
      guard let learner = LearnerKind(rawValue: name) else {
        throw DecodingError.dataCorruptedError(forKey: .learner, in: container,
                                               debugDescription: "unknown learner \(name)")
      }
      self.learner = learner
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(split, forKey: .split)
      try container.encode(learner.rawValue, forKey: .learner)
      try container.encode(role, forKey: .role)
    }

    /// The role of a candidate named in `--splits` rather than taken from the split analysis.
    public static let requestedRole = "requested"
  }

  /// Whether every candidate was named (`--splits` without `auto`): no split analysis was
  /// consulted.
  public var candidatesAreNamed: Bool {
    candidates.allSatisfy { $0.role == Candidate.requestedRole }
  }

  public struct Point: Sendable, Equatable {
    public var candidate: String
    public var learner: LearnerKind
    public var budget: Int
    public var seed: Int
    /// File-name stem: `stage3.block1__b24684160__s1993`.
    public var name: String { "\(candidate)__b\(budget)__s\(seed)" }
  }

  public var specFile: String
  public var directory: String
  public var candidates: [Candidate]
  public var budgets: [Int]
  public var seeds: [Int]
  /// `fits[candidate][budget]`, 1 where the candidate's model fits the budget (`VerificationGrid`);
  /// nil in settings written before it existed: every candidate fits.
  public var fits: [[Int32]]?
  /// Whether the sharing runs (`ClassIncrementalRun.taskZeroSharing`) continue from one task-0
  /// training per seed (`task0-<digest>.h5` under `runs/`) instead of each training its own.
  public var sharesTaskZero: Bool?
  /// `overrides[candidate][budget]`: more spec keys for that candidate's runs at that budget,
  /// applied last (the accuracy–memory curve gives each point its own `architecture` and MEMO
  /// `split`); nil: none.
  public var overrides: [[[String: String]]]?

  public init(specFile: String, directory: String, candidates: [Candidate], budgets: [Int],
              seeds: [Int], fits: [[Int32]]? = nil, sharesTaskZero: Bool = true)
  {
    self.specFile = specFile
    self.directory = directory
    self.candidates = candidates
    self.budgets = budgets
    self.seeds = seeds
    self.fits = fits
    self.sharesTaskZero = sharesTaskZero
  }

  /// Whether candidate `c` (index) fits budget `b` (index).
  public func fits(candidate c: Int, budget b: Int) -> Bool { (fits?[c][b] ?? 1) == 1 }

  /// The runs to train: every candidate at every budget it fits and every seed, candidate-major
  /// with the seed innermost, so that the first runs of a sweep (one per seed) train the task 0
  /// of different seeds side by side while the others wait for theirs.
  public var points: [Point] {
    candidates.indices.flatMap { c in
      budgets.indices.filter { fits(candidate: c, budget: $0) }.flatMap { b in
        seeds.map {
          Point(candidate: candidates[c].split, learner: candidates[c].learner, budget: budgets[b],
                seed: $0)
        }
      }
    }
  }

  /// The task-0 files under `runs/` that read back whole and belong to this sweep: their key
  /// has one of its seeds and, once recorded, its thread count and convolution setting (a fork
  /// left in the folder by an earlier sweep with other seeds or threads is not this sweep's).
  public func taskZeroFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []
    let threads = try? recordedThreads(), convolution = try? recordedConvolution()
    return names.filter { $0.hasPrefix("task0-") && $0.hasSuffix(".h5") }.sorted()
      .map { runsDirectory + "/" + $0 }
      .filter { path in
        guard let key = (try? TaskZeroFile.read(path))?.key else { return false }
        return seeds.contains(key.seed) && (threads ?? key.threads) == key.threads
          && (convolution?.rawValue ?? key.convolution) == key.convolution
      }
  }

  /// The runs that continue from a shared task 0 (`ClassIncrementalRun.taskZeroSharing`,
  /// when the sweep shares).
  var sharingPoints: [Point] {
    (sharesTaskZero ?? false)
      ? points.filter { ClassIncrementalRun.taskZeroSharing.contains($0.learner) } : []
  }

  /// The task-0 trainings the sweep will need: one per seed among the runs that share, one for
  /// every other run (`--dry-run`).
  public var plannedTaskZeroTrainings: Int {
    let sharing = sharingPoints
    return Set(sharing.map(\.seed)).count + points.count - sharing.count
  }

  /// The task-0 trainings the sweep's runs did: one per task-0 file the sharing runs continued
  /// from (one per seed), one for every other run (verify.h5's `task0_trainings`).
  public func taskZeroTrainings() -> Int {
    let sharing = sharingPoints
    return (sharing.isEmpty ? 0 : taskZeroFiles().count) + points.count - sharing.count
  }

  public var runsDirectory: String { directory + "/runs" }

  /// Records the sweep's thread count on its first run; later runs (`--resume`) read it back,
  /// so every run of the sweep trains at the same thread count and the results stay
  /// reproducible whatever `--jobs` the resume uses.
  public func threads(proposed: Int) throws -> Int {
    try fixedAtFirstStart("threads", proposed, "\(proposed)", read: recordedThreads)
  }

  /// The thread count an earlier run of the sweep recorded, if any.
  public func recordedThreads() throws -> Int? {
    try recorded("threads", "a thread count") { Int($0).flatMap { $0 >= 1 ? $0 : nil } }
  }

  /// The recorded thread count, which a sweep's tasks and merge cannot do without.
  public func requiredThreads() throws -> Int {
    guard let threads = try recordedThreads() else {
      throw SweepError(path: runsDirectory + "/threads", message: "missing: the sweep's thread count")
    }
    return threads
  }

  /// The convolution setting the sweep's runs use, fixed at its first start like the thread
  /// count (Winograd and direct round differently): `proposed` then, the recorded one after.
  public func convolution(proposed: ConvolutionPolicy) throws -> ConvolutionPolicy {
    try fixedAtFirstStart("convolution", proposed, proposed.rawValue, read: recordedConvolution)
  }

  /// `convolution(proposed:)` with this process's setting, warning when an earlier start
  /// recorded another.
  public func fixedConvolution(log: StageLog) throws -> ConvolutionPolicy {
    let current = ComputeContext.environmentConvolution
    let fixed = try convolution(proposed: current)
    if fixed != current {
      log.warning("the sweep runs with \(fixed.rawValue) convolutions since its first start, "
        + "so its results stay reproducible; \(ComputeContext.convolutionVariable)="
        + "\(current.rawValue) is not used")
    }
    return fixed
  }

  /// The convolution setting an earlier start recorded; nil for sweeps begun before it was.
  public func recordedConvolution() throws -> ConvolutionPolicy? {
    try recorded("convolution", "a convolution setting", ConvolutionPolicy.init(rawValue:))
  }

  /// The setting in `runs/<name>`, or `proposed` written there when there is none yet.
  private func fixedAtFirstStart<T>(_ name: String, _ proposed: T, _ text: String,
                                    read: () throws -> T?) throws -> T {
    if let recorded = try read() { return recorded }
    let manifest = runsDirectory + "/" + name
    try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
    do {
      try "\(text)\n".write(toFile: manifest, atomically: true, encoding: .utf8)
    } catch {
      throw SweepError(path: manifest, message: "cannot record the sweep's \(name): \(error)")
    }
    return proposed
  }

  /// The setting in `runs/<name>`, nil when absent; an error naming the file when unreadable.
  private func recorded<T>(_ name: String, _ what: String, _ parse: (String) -> T?) throws -> T? {
    let manifest = runsDirectory + "/" + name
    guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { return nil }
    guard let value = parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw SweepError(path: manifest, message: "not \(what): \(text)")
    }
    return value
  }

  public func output(_ point: Point) -> String { "\(runsDirectory)/\(point.name).h5" }

  /// Writes every point's derived spec (the candidate's learner and split, the budget in bytes,
  /// the seed) and returns the tasks that train them.
  public func prepareTasks() throws -> [SweepTask] {
    try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
    return try points.map { point in
      let spec = self.spec(point)
      var keys: [String: Any] = [
        "model_name": point.learner.rawValue,
        "split": point.learner == .memo ? point.candidate : NSNull(),
        "memory_budget": point.budget, "seed": point.seed,
      ]
      if let overrides, let c = candidates.firstIndex(where: { $0.split == point.candidate }),
         let b = budgets.firstIndex(of: point.budget)
      {
        for (key, value) in overrides[c][b] { keys[key] = value }
      }
      let data = try RunSpec.derive(from: specFile, overrides: keys)
      do {
        try data.write(to: URL(fileURLWithPath: spec), options: .atomic)
      } catch {
        throw SweepError(path: spec, message: "cannot write the candidate's spec: \(error)")
      }
      return task(point)
    }
  }

  public func spec(_ point: Point) -> String { "\(runsDirectory)/\(point.name).json" }

  /// The `strata train` of a point whose spec `prepareTasks` wrote. Whether it resumes is
  /// decided now: a run killed part-way continues from its last epoch; one with nothing to
  /// continue starts over, clearing what an early kill may have left. (A Slurm task calls this
  /// when it starts, so a requeued task continues too.)
  public func task(_ point: Point) -> SweepTask {
    let checkpoints = "\(runsDirectory)/\(point.name).checkpoints"
    let restart = FileManager.default.fileExists(atPath: checkpoints + "/checkpoint.h5")
      ? "--resume" : "--overwrite"
    // MEMO, DER, iCaRL and Replay continue from their seed's task 0, trained by whichever run
    // gets there first.
    let shared = (sharesTaskZero ?? false)
      && ClassIncrementalRun.taskZeroSharing.contains(point.learner)
    return SweepTask(name: point.name,
                     arguments: ["train", spec(point), "--output", output(point), "--checkpoint-dir",
                                 checkpoints, restart, "--quiet"]
                       + (shared ? ["--task0-dir", runsDirectory] : []),
                     output: output(point))
  }

  /// Whether a point's record exists and reads back whole.
  public func isComplete(_ task: SweepTask) -> Bool {
    (try? TrainingRecord.read(task.output)) != nil
  }

  /// The records of every point that fits; a missing or unreadable one is an error naming it.
  public func collect() throws -> [VerificationRecord.Run] {
    try points.map { point in
      VerificationRecord.Run(candidate: point.candidate, budget: point.budget, seed: point.seed,
                             summary: try TrainingRecord.read(output(point)))
    }
  }
}
