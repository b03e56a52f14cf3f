import ArgumentParser
import CIL

/// The output options of the long commands: how much to print and in which form.
public struct OutputOptions: ParsableArguments {
  @Flag(help: "No progress bar or per-epoch lines; tasks, warnings and results only.")
  public var quiet = false

  @Option(help: ArgumentHelp("Least important messages shown: debug, info, warning, error.",
                             valueName: "level"))
  public var logLevel: Console.Level = .info

  @Option(help: ArgumentHelp("text, or json: one JSON object per line (time, level, message, "
                             + "fields) for machines.", valueName: "format"))
  public var logFormat: Console.Format = .text

  public init() {}

  /// The console for these options: a progress bar only on a terminal, without --quiet.
  public func console() -> Console {
    Console(level: logLevel, format: logFormat, terminal: quiet ? false : nil)
  }
}

/// A progress bar through each epoch's batches, with rate (images/s) and ETA, on a terminal;
/// elsewhere the epoch's line is the record.
final class EpochProgress: TrainingObserver {
  let console: Console
  private var bar: ProgressBar?

  init(console: Console) { self.console = console }

  func taskWillTrain(_ learner: Learner, task: Int) throws { bar = nil }

  func didBackward(_ learner: Learner, step: Int) throws {
    guard console.drawsBar, learner.batchesPerEpoch > 0 else { return }
    let epoch = step / learner.batchesPerEpoch
    let done = step % learner.batchesPerEpoch + 1
    if bar == nil || done == 1 {
      bar = ProgressBar(
        console: console,
        label: "task \(learner.currentTask) epoch \(epoch + 1)/"
          + "\(learner.plan.spec.trainingEpochs(task: learner.currentTask))",
        total: learner.batchesPerEpoch, unit: "batches", rateUnit: "img",
        itemsPerUnit: Double(learner.imagesPerEpoch) / Double(learner.batchesPerEpoch))
    }
    bar?.advance(to: done)
  }

  func epochDidEnd(_ learner: Learner, report: EpochReport) throws { bar = nil }
}

extension Console {
  /// One epoch's line: `task 1 epoch 2/3  lr 0.1000  loss 0.4312  train acc 0.874`, with the
  /// numbers as fields for JSON logs.
  func epoch(_ e: EpochReport) {
    info(String(format: "task %d epoch %d/%d  lr %.4f  loss %.4f  train acc %.3f", e.task,
                e.epoch + 1, e.epochs, e.learningRate, e.loss, e.trainingAccuracy),
         ["task": e.task, "epoch": e.epoch + 1, "epochs": e.epochs, "lr": e.learningRate,
          "loss": e.loss, "train_accuracy": e.trainingAccuracy])
  }
}
