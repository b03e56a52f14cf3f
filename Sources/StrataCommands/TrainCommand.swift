import ArgumentParser
import Pipeline
import CIL
import Recording
import Data
import Foundation

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
    "MEMO, DER, iCaRL, Replay: continue from the task-0 training in DIR/task0-<digest>.h5, training and "
      + "writing it first when it is not there (verification sweeps train task 0 once per seed).",
    valueName: "dir"))
  public var taskZeroDirectory: String?

  @OptionGroup public var logging: OutputOptions

  public init() {}

  /// Reads and checks the spec and loads its data: everything that can fail before training.
  func prepare() throws -> (plan: RunPlan, data: IncrementalDataset, specText: String) {
    try RunPlan.load(spec: spec, dataRoot: dataRoot)
  }

  /// The stage's files from the options.
  var settings: TrainStage.Settings {
    var settings = TrainStage.Settings(output: output, checkpointDirectory: checkpointDir)
    settings.resume = resume
    settings.overwrite = overwrite
    settings.taskZeroDirectory = taskZeroDirectory
    return settings
  }

  public func run() throws {
    let console = logging.console()
    ParentWatch.start()
    try OutputPaths.check(outputs: [output], inputs: [spec] + (dataRoot.map { [$0] } ?? []))
    let settings = settings
    try settings.checkFiles()
    try OutputFolder.check(OutputFolder.of(output))
    try OutputLock.acquire(output)
    try OutputFolder.claim(settings.checkpointDirectory)
    let (plan, data, specText) = try prepare()
    for warning in plan.warnings { console.warning("\(spec): \(warning)") }
    let result = try TrainStage.run(
      plan: plan, data: data, specFile: spec, specText: specText, settings: settings,
      commandLine: CommandLine.arguments.joined(separator: " "), log: console.stageLog,
      observers: [EpochProgress(console: console)]
    ) { event in
      switch event {
      case .epoch(let e) where !logging.quiet:
        console.epoch(e)
      case .evaluated(let evaluation, let entry):
        var line = String(format: "task %d: CNN %.2f%%", evaluation.task, 100 * evaluation.cnn.total)
        if let nme = evaluation.nme { line += String(format: "  NME %.2f%%", 100 * nme.total) }
        line += "  exemplars \(entry.exemplars)  memory \(entry.totalBytes) bytes"
        console.info(line)
      case .timed(let timing):
        console.debug("task \(timing.task) time: \(timing.summary)")
      default:
        break
      }
    }
    print(String(format: "average incremental accuracy %.2f%%, last %.2f%%, forgetting %.2f%% (CNN)",
                 100 * result.cnn.averageIncrementalAccuracy, 100 * result.cnn.lastAccuracy,
                 100 * result.cnn.forgetting))
    print("wrote \(output)")
  }
}

/// A refusal about files on disk: not a usage error, so no usage text follows it.
struct FileRefusal: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
