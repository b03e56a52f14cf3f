import ArgumentParser
import Data
import Foundation
import NN

/// `strata bench data`: how fast batches are assembled, against how fast training eats them.
public struct BenchData: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Measure batch assembly (CIFAR-sized images, with augmentation) against training.",
    discussion: """
      Assembles shuffled batches of 32×32 RGB images with PyCIL's CIFAR-100 training transform \
      (random crop 32 with padding 4, horizontal flip, brightness jitter 63/255, normalization) \
      and prints the median images/s over the repeats and its ratio to the rate at which \
      ResNet-32 training consumes images, measured in the same run (or given with \
      --train-rate). Data keeps the engine fed when the ratio is at least 10. Images are \
      synthetic unless --cifar names a CIFAR-100 folder.

      Example:
        OMP_NUM_THREADS=2 strata bench data --repeats 7
      """
  )

  @Option(help: "Training images/s to compare against (default: measure ResNet-32 now).")
  public var trainRate: Double?

  @Option(help: "Images per batch.")
  public var batchSize: Int = 128

  @Option(help: "Images assembled per timed repeat.")
  public var images: Int = 20_000

  @Option(help: "Number of timed repeats; the median is reported.")
  public var repeats: Int = 5

  @Option(help: "Threads assembling one batch.")
  public var workers: Int = 1

  @Flag(inversion: .prefixedNo, help: "Assemble the next batch on a background thread.")
  public var prefetch: Bool = true

  @Option(help: "A CIFAR-100 folder (binary or python version) to read instead of synthetic data.")
  public var cifar: String?

  public init() {}

  public mutating func validate() throws {
    if let trainRate, trainRate <= 0 { throw ValidationError("--train-rate must be positive") }
    guard batchSize >= 1, images >= 1, repeats >= 1, workers >= 1 else {
      throw ValidationError("--batch-size, --images, --repeats and --workers must be ≥ 1")
    }
  }

  public func run() throws {
    let dataset: any ImageDataset
    if let cifar {
      dataset = try CIFARReader.read(
        root: URL(fileURLWithPath: cifar), variant: .cifar100, split: .train)
    } else {
      dataset = ImageArray.synthetic(count: 50_000, shape: .cifar, classCount: 100, seed: 1993)
    }
    let loader = BatchLoader(
      dataset: dataset, batchSize: batchSize, augmentation: .cifar100Train, seed: 1993,
      prefetch: prefetch, workers: workers)
    let result = try DataBenchmark.batchAssembly(
      loader: loader, images: images, repeats: repeats)
    let median = result.median
    let runs = result.imagesPerSecond.map { String(format: "%.0f", $0) }.joined(separator: ", ")
    print("data: \(cifar == nil ? "synthetic CIFAR-sized" : "CIFAR-100") images, batch "
      + "\(batchSize), \(workers) worker(s), prefetch \(prefetch ? "on" : "off")")
    print("repeats (images/s): \(runs)")
    print(String(format: "batch assembly: %.0f images/s (median of %d)", median, repeats))
    let (rate, source) = try trainRate.map { ($0, "given") } ?? (measuredTrainingRate(), "measured")
    print(String(format: "training rate (%@): %.0f images/s; ratio %.1fx (target ≥ 10x)",
      source, rate, median / rate))
  }

  /// ResNet-32 training images/s at this batch size: median of 10 steps after 3 warm-up.
  private func measuredTrainingRate() throws -> Double {
    let benchmark = EngineBenchmark(architecture: .cifar(depth: 32, classes: 100),
                                    batch: batchSize, steps: 10, warmup: 3)
    return try benchmark.run { _ in }.trainImagesPerSecond
  }
}
