import CIL
import Data
import Foundation
import Recording
import Tensor

/// The train stage: one class-incremental run of a spec, checkpointed as it goes, its record
/// written. Reads the spec and its data (and, resuming, `<checkpoints>/checkpoint.h5`; with a
/// task-0 folder, `task0-<digest>.h5`); writes `<checkpoints>/checkpoint.h5` after every epoch,
/// `<checkpoints>/task<t>.h5` after task t, and the training record at the end. A verification
/// run is this stage in a `strata train` process.
public enum TrainStage {
  /// Where the run writes and how it treats what is there already.
  public struct Settings: Sendable {
    /// The training record (HDF5).
    public var output: String
    /// The checkpoints' folder.
    public var checkpointDirectory: String
    /// Continue from the last checkpoint.
    public var resume = false
    /// Start over, replacing an existing output and its checkpoints.
    public var overwrite = false
    /// MEMO, DER, iCaRL, Replay: continue from the task-0 training in this folder (`TaskZeroSharing`).
    public var taskZeroDirectory: String?

    /// `checkpointDirectory` nil: `run.h5` → `run.checkpoints` next to the output.
    public init(output: String, checkpointDirectory: String? = nil) {
      self.output = output
      self.checkpointDirectory = checkpointDirectory ?? Self.checkpointDirectory(output: output)
    }

    /// `run.h5` → `run.checkpoints` beside it.
    public static func checkpointDirectory(output: String) -> String {
      let url = URL(fileURLWithPath: output)
      let stem = url.pathExtension.isEmpty ? url.lastPathComponent
        : url.deletingPathExtension().lastPathComponent
      return url.deletingLastPathComponent().appendingPathComponent(stem + ".checkpoints").path
    }

    /// The latest checkpoint, replaced after every epoch.
    public var latestCheckpoint: String { checkpointDirectory + "/checkpoint.h5" }

    /// The checkpoints a run wrote into the checkpoint folder: checkpoint.h5 and task<t>.h5.
    public func checkpointFiles() -> [String] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory)) ?? []
      return names.filter { name in
        name == "checkpoint.h5" || (name.hasPrefix("task") && name.hasSuffix(".h5")
          && Int(name.dropFirst(4).dropLast(3)) != nil)
      }.sorted().map { checkpointDirectory + "/" + $0 }
    }

    /// Refuses, before any work, to replace earlier results unless told to, or to resume
    /// without a checkpoint.
    public func checkFiles() throws {
      let files = FileManager.default
      if resume && overwrite {
        throw StageRefusal("--resume continues a run and --overwrite starts it over: pick one")
      }
      if resume {
        guard files.fileExists(atPath: latestCheckpoint) else {
          throw StageRefusal("\(latestCheckpoint): no checkpoint to resume from; run without "
                             + "--resume to start")
        }
        return
      }
      guard !overwrite else { return }
      for path in [output] + checkpointFiles() where files.fileExists(atPath: path) {
        throw StageRefusal("\(path) exists; --resume continues that run from "
                           + "\(latestCheckpoint), --overwrite starts over and replaces it")
      }
    }
  }

  /// Other threads sum in another order; the differences grow through training (issue 24).
  public static func threadWarning(written: Int32, current: Int32) -> String {
    "the checkpoint was written with \(written) threads, this process has \(current): the "
      + "resumed run will not be bit-identical to an uninterrupted one, and the difference grows "
      + "through training beyond rounding (one resumed seed moved average accuracy by a point); "
      + "set OMP_NUM_THREADS=\(written) to continue exactly"
  }

  /// Trains (or resumes) `plan` with checkpoints, then writes the record to `settings.output`.
  /// Call `settings.checkFiles()` first. `observers` join the learner; `progress` sees every
  /// epoch and evaluation; `configure` sees the run before it starts, its checkpointer attached
  /// (tests add an observer that stops it).
  public static func run(plan: RunPlan, data: IncrementalDataset, specFile: String,
                         specText: String, settings: Settings, commandLine: String,
                         log: StageLog = .silent, observers: [TrainingObserver] = [],
                         progress: @escaping (RunEvent) -> Void = { _ in },
                         configure: (ClassIncrementalRun) -> Void = { _ in }) throws -> RunResult
  {
    let context = try ComputeContext.shared()
    let run = try start(plan: plan, data: data, settings: settings, context: context,
                        commandLine: commandLine, log: log)
    let directory = settings.checkpointDirectory, latest = settings.latestCheckpoint
    let record = try RunRecord(plan: plan, data: data, specFile: specFile, context: context)
    let provenance = Provenance.current(specText: specText, seed: plan.spec.seed, context: context,
                                        commandLine: commandLine)
    let convolution = context.convolutionPolicy
    Checkpointer { checkpoint in
      try RunCheckpointFile.write(checkpoint, plan: plan, provenance: provenance,
                                  convolution: convolution, run: record, to: latest)
      if checkpoint.position.taskComplete {
        try RunCheckpointFile.write(checkpoint, plan: plan, provenance: provenance,
                                    convolution: convolution, run: record,
                                    to: "\(directory)/task\(checkpoint.position.task).h5")
      }
    }.attach(to: run)
    run.learner.observers += observers
    configure(run)
    log.info("\(plan.spec.modelName.rawValue) on \(data.name): \(plan.architecture.name), split "
      + "\(plan.split), \(plan.stream.count) tasks \(plan.stream.increments), memory \(plan.memory)")
    let result = try run.run(progress: progress)
    try TrainingRecord.write(result, plan: plan, provenance: provenance, run: record,
                             to: settings.output)
    return result
  }

  /// The run to train: resumed from the latest checkpoint, continued from the shared task-0
  /// training, or new; an earlier run's checkpoints cleared when it starts over.
  static func start(plan: RunPlan, data: IncrementalDataset, settings: Settings,
                    context: ComputeContext, commandLine: String, log: StageLog) throws
    -> ClassIncrementalRun
  {
    let latest = settings.latestCheckpoint
    if settings.resume {
      let resumed = try RunCheckpointFile.resume(from: latest, plan: plan, data: data,
                                                 context: context)
      let p = resumed.position
      log.info("resuming from \(latest): task \(p.task), "
        + (p.taskComplete ? "finished" : "\(p.epochsCompleted) epochs done"))
      if resumed.header.threads != Int32(context.threads) {
        log.warning(threadWarning(written: resumed.header.threads, current: Int32(context.threads)))
      }
      let convolution = context.convolutionPolicy.rawValue
      if let written = resumed.header.convolution, written != convolution {
        log.warning("the checkpoint was written with \(written) convolutions, this process "
          + "runs \(convolution): the results will differ from an uninterrupted "
          + "run (set \(ComputeContext.convolutionVariable)=\(written))")
      }
      return resumed.run
    }
    let run: ClassIncrementalRun
    if let shared = settings.taskZeroDirectory,
       ClassIncrementalRun.taskZeroSharing.contains(plan.spec.modelName)
    {
      let continued = try TaskZeroSharing.run(plan: plan, data: data, context: context,
                                              directory: shared, commandLine: commandLine)
      switch continued.source {
      case .trained(let path): log.info("trained task 0 and wrote \(path)")
      case .reused(let path): log.info("task 0 from \(path)")
      }
      run = continued.run
    } else {
      run = try ClassIncrementalRun(plan: plan, data: data, context: context)
    }
    try FileManager.default.createDirectory(atPath: settings.checkpointDirectory,
                                            withIntermediateDirectories: true)
    // Only with overwrite are there any (checkFiles): an earlier run's must not mix in.
    for path in settings.checkpointFiles() { try FileManager.default.removeItem(atPath: path) }
    return run
  }
}
