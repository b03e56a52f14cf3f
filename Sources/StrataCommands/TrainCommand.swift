import ArgumentParser
import Pipeline
import CIL
import Recording
import Data
import Foundation
import NN
import Tensor

/// `strata train SPEC`: one class-incremental learner, its accuracy matrix and ledger to HDF5.
public struct TrainCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train one class-incremental learner from a run spec; write accuracies and ledger.",
    discussion: """
      SPEC is a JSON run spec whose keys follow PyCIL's exps/*.json (model_name, dataset, \
      init_cls, increment, memory_size, memory_per_class, fixed_memory, init_epoch, init_lr, \
      init_milestones, epochs, lrate, milestones, batch_size, seed, convnet_type, …); a PyCIL \
      file is accepted as it is and keys Strata does not use are listed as warnings. Missing \
      keys default to PyCIL's exps/memo.json. Methods: finetune, replay, icarl, der, memo, joint. \
      Strata's own keys: architecture, split (MEMO), train_shared, memory_budget (bytes or \
      DER:N), data_root, image_size (crop side for imagenet100 / image-folder, default 224).

      The spec is checked against the data and the architecture before any training: an \
      unknown method, a split that is not a block, init_cls beyond the class count or a \
      memory budget smaller than the model stop the run at once.

      After every task the learner is evaluated (classifier and nearest-mean top-1 on every \
      class seen); the accuracy matrices accuracy_cnn[task, task_seen] and \
      accuracy_nme[task, task_seen] and the memory ledger per task go to the HDF5 file.

      After every epoch and at every task's end the run's state goes to a checkpoint \
      (DIR/checkpoint.h5, replaced atomically; DIR/task<t>.h5 after task t), an HDF5 file with \
      one dataset per parameter and buffer. If the process dies, --resume continues from the \
      last checkpoint and ends with the weights and accuracies of an uninterrupted run (same \
      seed and OMP_NUM_THREADS). Without --resume an existing output or checkpoint is never \
      replaced unless --overwrite says so.

      Example (Fashion-MNIST, 5 tasks of 2 classes):
        strata train replay.json --output replay.h5
        strata train replay.json --output replay.h5 --resume  # after a kill
      """)

  @Argument(help: "The run spec (JSON).")
  public var spec: String

  @Option(name: .shortAndLong, help: "The HDF5 file to write.")
  public var output: String = "train.h5"

  @Option(help: "Folder of the data set (overrides the spec's data_root).")
  public var dataRoot: String?

  @Option(help: ArgumentHelp(
    "Folder of the checkpoints (default: the output's name with .checkpoints).",
    valueName: "dir"))
  public var checkpointDir: String?

  @Flag(help: "Continue the run from its last checkpoint.")
  public var resume = false

  @Flag(help: "Start over, replacing an existing output and its checkpoints.")
  public var overwrite = false

  @Option(name: .customLong("task0-dir"), help: ArgumentHelp(
    "MEMO and DER: continue from the task-0 training in DIR/task0-<digest>.h5, training and "
      + "writing it first when it is not there (verification sweeps train task 0 once per seed).",
    valueName: "dir"))
  public var taskZeroDirectory: String?

  @OptionGroup public var logging: OutputOptions

  public init() {}

  /// Reads and checks the spec and loads its data: everything that can fail before training.
  func prepare() throws -> (plan: RunPlan, data: IncrementalDataset, specText: String) {
    try RunPlan.load(spec: spec, dataRoot: dataRoot)
  }

  /// `--checkpoint-dir`, or `run.h5` → `run.checkpoints` next to the output.
  var checkpointDirectory: String {
    if let checkpointDir { return checkpointDir }
    let url = URL(fileURLWithPath: output)
    let stem = url.pathExtension.isEmpty ? url.lastPathComponent
      : url.deletingPathExtension().lastPathComponent
    return url.deletingLastPathComponent().appendingPathComponent(stem + ".checkpoints").path
  }

  /// The latest checkpoint, replaced after every epoch.
  var latestCheckpoint: String { checkpointDirectory + "/checkpoint.h5" }

  /// Refuses, before any work, to replace earlier results unless told to, or to resume
  /// without a checkpoint.
  func checkFiles() throws {
    let files = FileManager.default
    if resume && overwrite {
      throw ValidationError("--resume continues a run and --overwrite starts it over: pick one")
    }
    if resume {
      guard files.fileExists(atPath: latestCheckpoint) else {
        throw FileRefusal("\(latestCheckpoint): no checkpoint to resume from; run without "
                          + "--resume to start")
      }
      return
    }
    guard !overwrite else { return }
    for path in [output] + checkpointFiles() where files.fileExists(atPath: path) {
      throw FileRefusal("\(path) exists; --resume continues that run from "
                        + "\(latestCheckpoint), --overwrite starts over and replaces it")
    }
  }

  /// The checkpoints a run wrote into the checkpoint folder: checkpoint.h5 and task<t>.h5.
  func checkpointFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory)) ?? []
    return names.filter { name in
      name == "checkpoint.h5" || (name.hasPrefix("task") && name.hasSuffix(".h5")
        && Int(name.dropFirst(4).dropLast(3)) != nil)
    }.sorted().map { checkpointDirectory + "/" + $0 }
  }

  public func run() throws {
    let console = logging.console()
    ParentWatch.start()
    try OutputPaths.check(outputs: [output], inputs: [spec] + (dataRoot.map { [$0] } ?? []))
    try checkFiles()
    try OutputFolder.check(OutputFolder.of(output))
    try OutputLock.acquire(output)
    try OutputFolder.claim(checkpointDirectory)
    let (plan, data, specText) = try prepare()
    for warning in plan.warnings { console.warning("\(spec): \(warning)") }
    let result = try train(plan: plan, data: data, specText: specText)
    print(String(format: "average incremental accuracy %.2f%%, last %.2f%%, forgetting %.2f%% (CNN)",
                 100 * result.cnn.averageIncrementalAccuracy, 100 * result.cnn.lastAccuracy,
                 100 * result.cnn.forgetting))
    print("wrote \(output)")
  }

  /// Other threads sum in another order; the differences grow through training (issue 24).
  static func threadWarning(written: Int32, current: Int32) -> String {
    "the checkpoint was written with \(written) threads, this process has \(current): the "
      + "resumed run will not be bit-identical to an uninterrupted one, and the difference grows "
      + "through training beyond rounding (one resumed seed moved average accuracy by a point); "
      + "set OMP_NUM_THREADS=\(written) to continue exactly"
  }

  /// Trains (or resumes) the run with checkpoints, then writes the record. `configure` sees the
  /// run before it starts, its checkpointer attached (tests add an observer that stops it).
  func train(plan: RunPlan, data: IncrementalDataset, specText: String,
             configure: (ClassIncrementalRun) -> Void = { _ in }) throws -> RunResult
  {
    let console = logging.console()
    let context = try ComputeContext.shared()
    let commandLine = CommandLine.arguments.joined(separator: " ")
    let run: ClassIncrementalRun
    if resume {
      let resumed = try RunCheckpointFile.resume(from: latestCheckpoint, plan: plan, data: data,
                                                 context: context)
      run = resumed.run
      let p = resumed.position
      console.info("resuming from \(latestCheckpoint): task \(p.task), "
        + (p.taskComplete ? "finished" : "\(p.epochsCompleted) epochs done"))
      if resumed.header.threads != Int32(context.threads) {
        console.warning(Self.threadWarning(written: resumed.header.threads,
                                           current: Int32(context.threads)))
      }
      let convolution = context.convolutionPolicy.rawValue
      if let written = resumed.header.convolution, written != convolution {
        console.warning("the checkpoint was written with \(written) convolutions, this process "
          + "runs \(convolution): the results will differ from an uninterrupted "
          + "run (set \(ComputeContext.convolutionVariable)=\(written))")
      }
    } else {
      if let taskZeroDirectory, ClassIncrementalRun.taskZeroSharing.contains(plan.spec.modelName) {
        let shared = try TaskZeroSharing.run(plan: plan, data: data, context: context,
                                             directory: taskZeroDirectory, commandLine: commandLine)
        run = shared.run
        switch shared.source {
        case .trained(let path): console.info("trained task 0 and wrote \(path)")
        case .reused(let path): console.info("task 0 from \(path)")
        }
      } else {
        run = try ClassIncrementalRun(plan: plan, data: data, context: context)
      }
      try FileManager.default.createDirectory(atPath: checkpointDirectory,
                                              withIntermediateDirectories: true)
      // Only with --overwrite are there any (checkFiles): an earlier run's must not mix in.
      for path in checkpointFiles() { try FileManager.default.removeItem(atPath: path) }
    }
    let directory = checkpointDirectory, latest = latestCheckpoint
    let record = try RunRecord(plan: plan, data: data, specFile: spec, context: context)
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
    run.learner.observers.append(EpochProgress(console: console))
    configure(run)
    console.info("\(plan.spec.modelName.rawValue) on \(data.name): \(plan.architecture.name), split "
      + "\(plan.split), \(plan.stream.count) tasks \(plan.stream.increments), memory \(plan.memory)")
    let result = try run.run { event in
      switch event {
      case .epoch(let e) where !logging.quiet:
        console.epoch(e)
      case .evaluated(let evaluation, let entry):
        var line = String(format: "task %d: CNN %.2f%%", evaluation.task, 100 * evaluation.cnn.total)
        if let nme = evaluation.nme { line += String(format: "  NME %.2f%%", 100 * nme.total) }
        line += "  exemplars \(entry.exemplars)  memory \(entry.totalBytes) bytes"
        console.info(line)
      default:
        break
      }
    }
    try TrainingRecord.write(result, plan: plan, provenance: provenance, run: record, to: output)
    return result
  }


}

/// A refusal about files on disk: not a usage error, so no usage text follows it.
struct FileRefusal: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
