import Analysis
import CIL
import Foundation
import Recording

/// `strata run`: the stages in turn into one folder — probe, split, verify, report — each
/// called as a function on the previous stage's file, each skipped when its outputs are
/// complete, so a killed run continues where it stopped.
///
/// | stage  | reads                          | writes                             |
/// | ------ | ------------------------------ | ---------------------------------- |
/// | probe  | run.json (and its data)        | probes.h5 (probes + run record)    |
/// | split  | probes.h5                      | split.json, split.h5               |
/// | verify | probes.h5, split.json, run.json | runs/*.json, runs/*.h5, verify.h5 |
/// | report | probes.h5, split.json, verify.h5 | report.html, report.md, charts/, tables/ |
public struct RunPipeline {
  public enum Stage: String, CaseIterable, Sendable {
    case probe, split, verify, report
  }

  public struct Settings: Sendable {
    /// The user's run spec; copied once to `directory/run.json` with its paths made absolute.
    public var spec: String
    public var directory: String
    /// How the verification's runs execute (`.local(jobs: 2)` by default).
    public var executor: VerifyStage.Executor = .local(jobs: VerifyStage.defaultJobs)
    /// Verification budgets and seeds; empty: the run's defaults.
    public var budgets: [MemoryLedger.Budget] = []
    public var seeds: [Int] = []
    /// Seeds of the probe run (one probes.h5 with a `seed` axis); nil: the spec's seed and the
    /// next two (`defaultProbeSeeds`).
    public var probeSeeds: [Int]?

    public init(spec: String, directory: String) {
      self.spec = spec
      self.directory = directory
    }
  }

  public let settings: Settings
  public var directory: String { settings.directory }
  /// The spec the stages read: the user's, with relative paths made absolute.
  public var runSpec: String { directory + "/run.json" }
  public var probes: String { directory + "/probes.h5" }

  public init(_ settings: Settings) { self.settings = settings }

  /// Whether `stage`'s outputs are complete.
  public func isComplete(_ stage: Stage) -> Bool {
    let manager = FileManager.default
    switch stage {
    case .probe:
      // Every task after the first recorded (the file's task_seen axis has them all).
      guard let record = try? ProbeFile.open(probes).read() else { return false }
      return record.tasks.count == record.runTasks - 1
    case .split:
      return manager.fileExists(atPath: directory + "/split.json")
        && manager.fileExists(atPath: directory + "/split.h5")
    case .verify:
      return manager.fileExists(atPath: directory + "/verify.h5")
    case .report:
      return manager.fileExists(atPath: directory + "/report.html")
    }
  }

  /// Probe seeds of `strata run` unless told otherwise.
  public static let defaultProbeSeedCount = 3

  /// The spec's seed and the next ones, `defaultProbeSeedCount` in all.
  public static func defaultProbeSeeds(spec: String) throws -> [Int] {
    let seed = try RunSpec.load(spec).seed
    return (0..<defaultProbeSeedCount).map { seed + $0 }
  }

  /// Writes run.json unless an earlier start did.
  ///
  /// A folder holds one protocol: when `run.json` is there and the user's spec now derives
  /// another, the run refuses and names the keys, unless nothing but `run.json` was written yet
  /// (a first start that failed early), which is then replaced.
  public func prepare() throws {
    let manager = FileManager.default
    if manager.fileExists(atPath: runSpec) {
      // A spec that cannot be read any more leaves the kept copy in charge, as before.
      guard let data = try? RunSpec.derive(from: settings.spec, overrides: [:]) else { return }
      let kept = (try? Data(contentsOf: URL(fileURLWithPath: runSpec))) ?? Data()
      let keys = RunSpec.differingKeys(kept, data)
      if keys.isEmpty { return }
      let started = (try? manager.contentsOfDirectory(atPath: directory))?
        .filter { $0 != "run.json" && !$0.hasPrefix(".") } ?? []
      guard started.isEmpty else {
        throw StageRefusal("\(settings.spec) differs from the spec this run started with "
          + "(\(runSpec)) in \(keys.joined(separator: ", ")): a run folder holds one protocol. "
          + "Use another --out, or delete \(directory) to start over")
      }
    }
    let data = try RunSpec.derive(from: settings.spec, overrides: [:])
    do {
      try data.write(to: URL(fileURLWithPath: runSpec), options: .atomic)
    } catch {
      throw StageRefusal("\(runSpec): cannot write the run's spec: \(error.localizedDescription)")
    }
  }

  /// The verification's budgets and seeds: the command line's, else the spec's verify_budgets
  /// and verify_seeds (empty: the defaults planning takes).
  func verificationSettings() throws -> (budgets: [MemoryLedger.Budget], seeds: [Int]) {
    let defaults: VerificationDefaults
    do { defaults = try VerificationDefaults.read(runSpec) } catch let error as RunSpecError {
      // run.json is the spec's copy: name the file the user wrote.
      throw RunSpecError(file: settings.spec, key: error.key, message: error.message)
    }
    return (settings.budgets.isEmpty ? defaults.budgets : settings.budgets,
            settings.seeds.isEmpty ? defaults.seeds : settings.seeds)
  }

  /// Stops the run before its first stage when the verification at its end could not run:
  /// a budget that not even one backbone fits, a seed given twice or out of range. (Which
  /// candidates fit is known only after the split; one backbone is always among them.)
  public func checkVerification() throws {
    let (budgets, seeds) = try verificationSettings()
    for seed in seeds where !(0...Int(UInt32.max)).contains(seed) {
      throw StageRefusal("\(settings.spec): the verification could not run: seed \(seed) is not "
                         + "an integer from 0 to 4294967295")
    }
    guard !budgets.isEmpty || !seeds.isEmpty else { return }
    let recorded = FileManager.default.fileExists(atPath: probes) ? probes : nil
    let (run, file) = try VerificationPlanning.runRecord(spec: runSpec, probes: recorded)
    let ledger = MemoryLedger(try run.network(file: file), image: run.image)
    let fallback = try run.runSpec(file: file).defaultBudget(classCount: run.classCount)
    do {
      _ = try VerificationGrid(ledger: ledger, tasks: run.tasks,
                               candidates: [.init(split: .none, roles: ["single backbone"])],
                               budgets: budgets.isEmpty ? fallback.map { [$0] } ?? [] : budgets,
                               seeds: seeds.isEmpty ? [0] : seeds)
    } catch {
      throw StageRefusal("\(settings.spec): the verification could not run: \(error)")
    }
  }

  /// What a caller shows while the stages run: observers and events of the probe run (a
  /// progress bar, the epochs' lines), and each stage's result (the split's and the
  /// verification's tables).
  public struct Progress {
    public var observers: [TrainingObserver]
    public var events: (RunEvent) -> Void
    public var finished: (StageResult) -> Void
    public init(observers: [TrainingObserver] = [], events: @escaping (RunEvent) -> Void = { _ in },
                finished: @escaping (StageResult) -> Void = { _ in })
    {
      self.observers = observers
      self.events = events
      self.finished = finished
    }
  }

  /// What a stage produced, for the caller to show.
  public enum StageResult {
    case probe(ProbeStage.Outcome)
    case split(SplitReport)
    case planned(VerificationPlanning)
    case verify(VerificationRecord)
    case report(files: [String])
  }

  /// Runs every stage not yet complete, in order. False when verification runs failed (each
  /// was reported to `log`); the later stages are then not run.
  public func run(log: StageLog, progress: Progress = Progress()) throws -> Bool {
    try prepare()
    if !isComplete(.verify) { try checkVerification() }
    let start = Date()
    for stage in Stage.allCases {
      if isComplete(stage) {
        log.info("== \(stage.rawValue): complete, skipped")
        continue
      }
      log.info("== \(stage.rawValue)")
      let stageStart = Date()
      guard try run(stage, log: log, progress: progress) else { return false }
      log.info("== \(stage.rawValue) done in "
        + StageLog.duration(Date().timeIntervalSince(stageStart)))
    }
    log.info("pipeline complete in " + StageLog.duration(Date().timeIntervalSince(start))
      + "; open \(directory)/report.html")
    return true
  }

  /// One stage: false when verification runs failed.
  public func run(_ stage: Stage, log: StageLog, progress: Progress) throws -> Bool {
    switch stage {
    case .probe:
      var probe = ProbeStage.Settings()
      // A probe run cut short starts again from its first unfinished seed.
      probe.overwrite = true
      probe.seeds = try settings.probeSeeds ?? Self.defaultProbeSeeds(spec: runSpec)
      log.info("probe seeds: " + probe.seeds.map(String.init).joined(separator: ",")
        + (probe.seeds.count < Self.defaultProbeSeedCount
           ? " (fewer than the default \(Self.defaultProbeSeedCount): the split decision has less "
             + "power to tell a step from flat, see docs/split-decision.md)" : ""))
      progress.finished(.probe(try ProbeStage.run(
        spec: runSpec, output: probes, settings: probe, observers: progress.observers, log: log,
        progress: progress.events)))
    case .split:
      // The plan split.json prints is priced at the budget the verification will judge.
      var split = SplitStage.Settings()
      split.budget = try verificationSettings().budgets.first
      progress.finished(.split(try SplitStage.run(probes: probes, directory: directory,
                                                  settings: split)))
    case .verify:
      var request = VerificationPlanning.Request(spec: runSpec, probes: probes,
                                                 splitFile: directory + "/split.json",
                                                 directory: directory)
      (request.budgets, request.seeds) = try verificationSettings()
      let planning = try VerificationPlanning(request)
      progress.finished(.planned(planning))
      let merge = VerificationMerge(sweep: planning.sweep, judged: planning.judged,
                                    metric: "average", tolerance: Verdict.defaultTolerance,
                                    commandLine: CommandLine.arguments.joined(separator: " "),
                                    recommended: planning.recommended)
      guard case .merged(let record) = try VerifyStage.run(merge, executor: settings.executor,
                                                           log: log)
      else { return false }
      progress.finished(.verify(record))
    case .report:
      progress.finished(.report(files: try ReportStage.run(directory: directory,
                                                           output: directory)))
    }
    return true
  }
}
