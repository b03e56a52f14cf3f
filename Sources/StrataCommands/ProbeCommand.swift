import ArgumentParser
import CIL
import Data
import Foundation
import NN
import Pipeline
import Probes
import Recording

/// `strata probe SPEC`: one backbone trained task by task with the layer probes recorded.
public struct ProbeCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Train one backbone task by task and record how every block changes (probes.h5).",
    discussion: """
      SPEC is a run spec as for `strata train`, with model_name finetune or replay (one \
      backbone; other methods are refused). After every task t ≥ 1 the probe file gets, for \
      each block (stem, stage1.block1, …, head): gradient norms averaged per epoch (and per \
      iteration with --per-iteration), the parameter shift per epoch against the task start \
      and against the end of task t−1 (relative L2, cosine distance, BN running statistics), \
      linear CKA between the block's output at the end of task t−1 and at the end of task t \
      on held-out probe images of the old classes and of task t's classes, and the accuracy \
      per task. The file is complete after every task: a run stopped in task k keeps tasks \
      1…k−1.

      The classifier (head) grows by a row per new class: its shift between tasks is over the \
      old classes' rows and its CKA compares the old classes' logits; its gradient norm and \
      per-epoch shift cover the whole grown head.

      CKA is the minibatch estimator with the unbiased HSIC₁ (per-batch mean subtracted, \
      Float64 sums, batches of --cka-batch images, never clamped; a block without variance \
      gives NaN and a note); --cka-batch all makes each subset one batch, which is \
      Kornblith's debiased full-batch CKA (for small probe sets). The probe set is --probe-per-class test images per class, drawn \
      with the spec's seed; each subset is shuffled so batches mix classes and cut to whole \
      batches.

      --export-activations writes the feature rows the estimator saw for the chosen blocks, \
      before and after every task, to a second HDF5 file (groups task<t>/old and task<t>/new), \
      so any similarity can be recomputed outside Strata.

      --rewind adds an interventional probe: after every task t ≥ 1, for every legal split k \
      (stem, …, none), the network with every body block from k onward set back to its values \
      at the end of task t−1 (the classifier stays as trained, since the old one lacks the new \
      classes) is scored on the test images of the old and of the new classes \
      (rewind_old_accuracy, rewind_new_accuracy over a split axis). Where rewinding starts to \
      cost the new classes accuracy is where the task needed plasticity. It costs one \
      evaluation per split and task.

      --retrain adds the other intervention: at the start of every task t ≥ 1, for every legal \
      split k, a copy of the network at the end of task t−1 (grown for task t's classes) is \
      trained on task t with the learner's data, loss and schedule while every body block \
      before k stays frozen (stem trains everything, none only the classifier), then scored on \
      the old and the new classes (retrain_old_accuracy, retrain_new_accuracy). Where the \
      new-class accuracy stops matching stem's is how deep the task needs plasticity. The run \
      itself is unchanged; it costs one training of the task per split and task.

      Example (Fashion-MNIST, 5 tasks of 2 classes, ResNet-20):
        strata probe analyses/probe-fashion-mnist.json --output probes.h5
        strata probe replay.json -o probes.h5 --cka-features pooled \\
          --export-activations stem,stage3.block3
        strata probe replay.json -o probes.h5 --rewind
        strata probe replay.json -o probes.h5 --rewind --retrain
      """)

  @Argument(help: "The run spec (JSON); model_name finetune or replay.")
  public var spec: String

  @Option(name: .shortAndLong, help: "The probe file to write (HDF5).")
  public var output: String = "probes.h5"

  @Option(help: "Folder of the data set (overrides the spec's data_root).")
  public var dataRoot: String?

  @Option(help: "Probe images per class, from the test split.")
  public var probePerClass = 100

  @Option(help: ArgumentHelp("Images per CKA estimator batch (at least 4), or all: one batch "
                             + "per subset, the debiased full-batch CKA (for small probe sets).",
                             valueName: "n|all"))
  public var ckaBatch: CKABatch = .size(50)

  @Option(help: ArgumentHelp("How a block's output becomes features for CKA: every value of the "
                             + "map, or the channel means.", valueName: "flatten|pooled"))
  public var ckaFeatures: CKAFeatures = .flatten

  @Flag(help: "Also record every iteration's gradient norms.")
  public var perIteration = false

  @Flag(help: ArgumentHelp("Also record CKA between every block before and every block after "
                           + "each task (cka_matrix_old/new over block_a × block_b; from the "
                           + "same Grams, no further forwards)."))
  public var ckaMatrix = false

  @Flag(help: ArgumentHelp("Also measure old- and new-class accuracy with the blocks from each "
                           + "split onward rewound to the previous task's values (one "
                           + "evaluation per split and task)."))
  public var rewind = false

  @Flag(help: ArgumentHelp("Also measure old- and new-class accuracy after training each task "
                           + "from the previous task's network with only the blocks from each "
                           + "split onward (and the classifier) trainable (one training of the "
                           + "task per split and task)."))
  public var retrain = false

  @Option(help: ArgumentHelp("Blocks whose probe-set activations to export, comma-separated "
                             + "(e.g. stem,stage3.block1), or all.", valueName: "blocks"))
  public var exportActivations: String?

  @Option(help: "The activation file (default: the output's name with .activations.h5).")
  public var activationsOutput: String?

  @Option(help: ArgumentHelp("Run seeds, comma-separated: one probe run per seed (each changes "
                             + "the class order, the initialization and the batch order), all in "
                             + "one probe file with a seed axis. The runs go to OUTPUT.seeds/ "
                             + "first; a complete seed there is kept, so a killed run redoes only "
                             + "the unfinished seed.", valueName: "S,…"))
  public var seeds: String?

  @Flag(help: "Replace existing output files.")
  public var force = false

  @OptionGroup public var logging: OutputOptions

  public enum CKAFeatures: String, ExpressibleByArgument, CaseIterable, Sendable {
    case flatten, pooled

    var features: BlockCKA.Features { self == .flatten ? .flatten : .globalAveragePool }
  }

  public enum CKABatch: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    case size(Int), all

    public init?(argument: String) {
      if argument == "all" { self = .all } else if let n = Int(argument) { self = .size(n) } else {
        return nil
      }
    }

    var images: Int? { if case .size(let n) = self { n } else { nil } }
    public var description: String { images.map(String.init) ?? "all" }
    public var defaultValueDescription: String { description }
  }

  public init() {}

  public func validate() throws {
    guard (ckaBatch.images ?? 4) >= 4 else {
      throw ValidationError("--cka-batch \(ckaBatch): the unbiased HSIC estimator needs at least 4")
    }
    guard probePerClass >= 1 else { throw ValidationError("--probe-per-class must be at least 1") }
    if let seeds {
      let values = seedList(seeds)
      guard !values.isEmpty, values.allSatisfy({ $0 != nil && (0...Int(UInt32.max)).contains($0!) }),
            Set(values).count == values.count
      else {
        throw ValidationError("--seeds \(seeds): give different integers from 0 to 4294967295, "
                              + "comma-separated")
      }
      guard !perIteration else {
        throw ValidationError("--seeds with --per-iteration: per-iteration norms are not merged "
                              + "over seeds; record them one seed at a time")
      }
    }
  }

  func seedList(_ text: String) -> [Int?] {
    text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
  }

  /// Reads and checks the spec and loads its data: everything that can fail before training.
  func prepare() throws -> (plan: RunPlan, data: IncrementalDataset, specText: String) {
    try ProbeStage.prepare(spec: spec, dataRoot: dataRoot)
  }

  /// The names given to --export-activations.
  var exportNames: [String] {
    exportActivations.map {
      $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    } ?? []
  }

  /// The blocks named by --export-activations (all of them for `all`), as the stage reads them.
  func exportBlocks(_ plan: RunPlan) -> [String] {
    ProbeStage.exportedBlocks(exportNames, of: plan)
  }

  public func run() throws {
    let console = logging.console()
    for file in [output] + (activationsOutput.map { [$0] } ?? []) {
      try OutputFolder.check(OutputFolder.of(file))
    }
    try OutputPaths.check(outputs: [output] + (activationsOutput.map { [$0] } ?? []), inputs: [spec])
    try OutputLock.acquire([output] + (activationsOutput.map { [$0] } ?? []))
    var settings = ProbeStage.Settings()
    settings.probeImagesPerClass = probePerClass
    settings.recorder.ckaBatch = ckaBatch.images
    settings.recorder.features = ckaFeatures.features
    settings.recorder.perIteration = perIteration
    settings.recorder.ckaMatrix = ckaMatrix
    settings.recorder.rewind = rewind
    settings.recorder.retrain = retrain
    settings.activationsOutput = activationsOutput
    settings.dataRoot = dataRoot
    settings.overwrite = force
    settings.seeds = seeds.map { seedList($0).compactMap { $0 } } ?? []
    settings.exportBlocks = exportNames
    let outcome = try ProbeStage.run(
      spec: spec, output: output, settings: settings,
      observers: [EpochProgress(console: console)], log: console.stageLog
    ) { event in
      switch event {
      case .epoch(let e) where !logging.quiet:
        console.epoch(e)
      case .evaluated(let evaluation, _):
        console.info(String(format: "task %d: CNN %.2f%%", evaluation.task, 100 * evaluation.cnn.total))
      default:
        break
      }
    }
    if let result = outcome.result {
      print(String(format: "average incremental accuracy %.2f%%, last %.2f%% (CNN)%@",
                   100 * result.cnn.averageIncrementalAccuracy, 100 * result.cnn.lastAccuracy,
                   settings.seeds.count > 1 ? " (last seed run)" : ""))
    }
    print("wrote \(output)" + (outcome.activations.map { " and \($0)" } ?? ""))
  }
}
