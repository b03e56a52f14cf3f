import CIL
import Data
import Foundation
import NN
import Probes
import Recording
import Tensor

/// The probe stage: one backbone trained task by task from a run spec, its layer probes and the
/// run record written to a probe file. Reads the spec (and its data); writes `probes.h5` (and,
/// when blocks are exported, the activation file).
public enum ProbeStage {
  public struct Settings: Sendable {
    /// Probe images per class, from the test split.
    public var probeImagesPerClass = 100
    public var recorder = ProbeRecorder.Options()
    /// Blocks whose probe-set activations go to the activation file; `["all"]`: every block.
    public var exportBlocks: [String] = []
    /// The activation file (default: the output's name with `.activations.h5`).
    public var activationsOutput: String?
    /// Folder of the data set (overrides the spec's `data_root`).
    public var dataRoot: String?
    /// Replace existing output files.
    public var overwrite = false
    /// Run seeds (each decides the class order, the initialization and the batch order, as
    /// PyCIL's seed). Empty: the spec's seed, a file without a `seed` axis. Otherwise one probe
    /// run per seed into `seedFile(output:seed:)`, a complete one kept, then all merged into
    /// `output` with a `seed` axis (`ProbeFile.merge`).
    public var seeds: [Int] = []

    public init() {}
  }

  /// What a finished probe stage hands back.
  public struct Outcome: Sendable {
    /// The last run trained (nil when every seed was complete already).
    public var result: RunResult?
    public var record: RunRecord
    /// The activation file, when blocks were exported.
    public var activations: String?
  }

  /// Reads and checks the spec and loads its data: everything that can fail before training.
  /// Only one-backbone methods (finetune, replay) are probed.
  public static func prepare(spec: String, dataRoot: String?, seed: Int? = nil) throws
    -> (plan: RunPlan, data: IncrementalDataset, specText: String)
  {
    try RunPlan.load(spec: spec, dataRoot: dataRoot, seed: seed) { runSpec in
      guard runSpec.modelName == .finetune || runSpec.modelName == .replay else {
        throw RunSpecError(file: spec, key: "model_name", message: "strata probe trains one "
          + "backbone with finetune or replay, not \(runSpec.modelName.rawValue) (probes attach "
          + "to other learners from code, through ProbeRecorder)")
      }
    }
  }

  /// Trains the probe run of `spec` and writes `output`. `observers` join the learner (a
  /// progress bar); `progress` sees every epoch and evaluation.
  public static func run(spec: String, output: String, settings: Settings,
                         observers: [TrainingObserver] = [], log: StageLog = .silent,
                         progress: @escaping (RunEvent) -> Void = { _ in }) throws -> Outcome
  {
    guard !settings.seeds.isEmpty else {
      return try runSeed(nil, spec: spec, output: output, settings: settings,
                         observers: observers, log: log, progress: progress)
    }
    precondition(Set(settings.seeds).count == settings.seeds.count, "seeds must differ")
    if !settings.overwrite && FileManager.default.fileExists(atPath: output) {
      throw StageRefusal("\(output): already exists; not replacing earlier results "
                           + "(choose another output or force the overwrite)")
    }
    var outcome: Outcome?
    for seed in settings.seeds {
      let file = seedFile(output: output, seed: seed)
      if isComplete(file) {
        try checkKept(file, seed: seed, spec: spec, settings: settings, output: output)
        log.info("seed \(seed): complete in \(file), kept")
        continue
      }
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
        withIntermediateDirectories: true)
      var one = settings
      one.overwrite = true  // an unfinished seed starts again
      one.activationsOutput = settings.exportBlocks.isEmpty ? nil
        : ProbeRecorder.defaultActivationsPath(file)
      log.info("seed \(seed) of \(settings.seeds.map(String.init).joined(separator: ","))")
      outcome = try runSeed(seed, spec: spec, output: file, settings: one, observers: observers,
                            log: log, progress: progress)
    }
    try ProbeFile.merge(settings.seeds.map { ($0, seedFile(output: output, seed: $0)) },
                        into: output, overwrite: true)
    let record = try ProbeFile.open(output).read().run
    guard let record else {
      throw StageRefusal("\(output): merged without a run record")
    }
    return Outcome(result: outcome?.result, record: record, activations: nil)
  }

  /// A complete seed file is kept only if it is this spec's run of that seed: a spec edited
  /// between two attempts would otherwise merge runs of different protocols under one `seed`
  /// axis. The kept file is not replaced either (it is a result): the refusal says what differs.
  /// The thread count and convolution setting may differ (they change rounding, not the run).
  static func checkKept(_ file: String, seed: Int, spec: String, settings: Settings,
                        output: String) throws
  {
    let (plan, data, _) = try prepare(spec: spec, dataRoot: settings.dataRoot, seed: seed)
    let expected = try RunRecord(plan: plan, data: data, specFile: spec,
                                 context: try ComputeContext.shared())
    let differences = mismatches(try ProbeFile.open(file).read().run, expected)
    guard differences.isEmpty else {
      throw StageRefusal("\(file): the complete probe run of seed \(seed) there was made with "
        + "another spec (\(differences.joined(separator: ", ")) differ from \(spec)'s); not "
        + "replacing it: remove \(output).seeds or choose another output")
    }
  }

  /// The parts of a kept run record that differ from the expected one; `data_root` (where the
  /// data lives), the thread count and the convolution setting do not count.
  static func mismatches(_ kept: RunRecord?, _ expected: RunRecord) -> [String] {
    guard let kept else { return ["the run record (missing)"] }
    // The spec key by key, each value as sorted JSON.
    func specValues(_ json: String) -> [String: Data]? {
      guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
      else { return nil }
      return object.filter { $0.key != "data_root" }.compactMapValues {
        try? JSONSerialization.data(withJSONObject: [$0], options: [.sortedKeys])
      }
    }
    var differences: [String] = []
    if let a = specValues(kept.spec), let b = specValues(expected.spec) {
      differences += Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
    } else if kept.spec != expected.spec {
      differences.append("spec")
    }
    if kept.dataset != expected.dataset { differences.append("dataset") }
    if kept.image != expected.image { differences.append("image shape") }
    if kept.classOrder != expected.classOrder { differences.append("class order") }
    if kept.taskSizes != expected.taskSizes { differences.append("task sizes") }
    if kept.architecture != expected.architecture { differences.append("architecture") }
    return differences
  }

  /// Where the probe run of one seed of a `--seeds` run goes: `<output>.seeds/seed-<S>.h5`.
  public static func seedFile(output: String, seed: Int) -> String {
    output + ".seeds/seed-\(seed).h5"
  }

  /// Whether a probe file holds every task after the first (its `task_seen` axis has them all).
  public static func isComplete(_ path: String) -> Bool {
    guard let record = try? ProbeFile.open(path).read() else { return false }
    return record.tasks.count == record.runTasks - 1
  }

  /// One probe run: the spec's seed, or `seed` in its place.
  static func runSeed(_ seed: Int?, spec: String, output: String, settings: Settings,
                      observers: [TrainingObserver], log: StageLog,
                      progress: @escaping (RunEvent) -> Void) throws -> Outcome
  {
    let (plan, data, specText) = try prepare(spec: spec, dataRoot: settings.dataRoot, seed: seed)
    for warning in plan.warnings { log.warning("\(spec): \(warning)") }
    let context = try ComputeContext.shared()
    let record = try RunRecord(plan: plan, data: data, specFile: spec, context: context)
    let exports = exportedBlocks(settings.exportBlocks, of: plan)
    let recorder = try ProbeRecorder.start(
      plan: plan, data: data, output: output,
      probeImagesPerClass: settings.probeImagesPerClass, options: settings.recorder,
      exportBlocks: exports, activationsPath: settings.activationsOutput,
      provenance: .current(specText: specText, seed: plan.spec.seed, context: context),
      run: record, overwrite: settings.overwrite, context: context)
    recorder.taskRecorded = { probes in
      log.info("task \(probes.task) probes: " + summary(probes, blocks: recorder.blocks)
        + " -> \(output)")
    }
    let run = try ClassIncrementalRun(plan: plan, data: data, context: context)
    run.learner.observers += [recorder] + observers
    let options = settings.recorder
    log.info("probe run: \(plan.spec.modelName.rawValue) on \(data.name), \(plan.architecture.name), "
      + "\(plan.stream.count) tasks \(plan.stream.increments), \(recorder.blocks.count) blocks, "
      + "\(settings.probeImagesPerClass) probe images per class, CKA batches of "
      + "\(options.ckaBatch.map(String.init) ?? "all") "
      + "(\(options.features == .flatten ? "flatten" : "pooled"))")
    let result = try run.run(progress: progress)
    return Outcome(result: result, record: record, activations: recorder.activations?.path)
  }

  /// The blocks `names` asks to export: every block of the plan's architecture for `["all"]`.
  public static func exportedBlocks(_ names: [String], of plan: RunPlan) -> [String] {
    names == ["all"] ? BlockRegistry(plan.architecture).entries.map(\.name) : names
  }

  /// The block that moved most by shift and the lowest old-class CKA, for the progress line.
  public static func summary(_ probes: TaskProbes, blocks: [String]) -> String {
    func extreme(_ values: [Double], _ smallest: Bool) -> String {
      let defined = values.indices.filter { !values[$0].isNaN }
      guard let i = smallest ? defined.min(by: { values[$0] < values[$1] })
                             : defined.max(by: { values[$0] < values[$1] })
      else { return "n/a" }
      return String(format: "%.3f", values[i]) + " at \(blocks[i])"
    }
    return "largest shift " + extreme(probes.shift.map(\.relative), false)
      + ", lowest CKA old " + extreme(probes.ckaOld.map(\.value), true)
  }
}
