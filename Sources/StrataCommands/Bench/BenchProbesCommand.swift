import ArgumentParser
import Foundation
import NN
import Probes
import Tensor

/// `strata bench probes`: what the probes cost next to training, measured in one run.
struct BenchProbes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probes",
    abstract: "Measure the cost of gradient-norm recording and of block-wise CKA.",
    discussion: """
      Trains ResNet-32 (batch 128, synthetic 32x32x3) with and without recording block-wise \
      gradient norms after every backward (medians over --steps), then computes CKA for every \
      block between two ResNet-32s on a --probe-images probe set (--cka-batch images per \
      batch) and compares it with one training epoch over the same number of images.

      Example: OMP_NUM_THREADS=2 swift run -c release strata bench probes
      """)

  @Option(help: "Measured training steps per variant.") var steps = 12
  @Option(help: "Images in the probe set.") var probeImages = 2000
  @Option(help: "Images per CKA batch (equal batches; at least 4).") var ckaBatch = 40

  func validate() throws {
    guard ckaBatch >= 4, probeImages % ckaBatch == 0 else {
      throw ValidationError("--probe-images must be a multiple of --cka-batch (≥ 4)")
    }
  }

  func run() throws {
    let context = try ComputeContext.shared()
    let architecture = ResNetArchitecture.cifar(depth: 32, classes: 100)
    let plain = EngineBenchmark(architecture: architecture, batch: 128, steps: steps, warmup: 3)
    let base = try plain.run { _ in }.trainStepSeconds
    var probed = plain
    probed.recordsGradientNorms = true
    let withNorms = try probed.run { _ in }.trainStepSeconds
    let overhead = median(withNorms) / median(base) - 1

    let before = try ResNet(architecture, context: context)
    let after = try ResNet(architecture, context: context)
    Initialization.initialize(before, seed: 1)
    Initialization.initialize(after, seed: 2)
    before.setTraining(false)
    after.setTraining(false)
    var generator = SeededGenerator(seed: 3)
    let batches = try (0..<(probeImages / ckaBatch)).map { _ in
      try Tensor(shape: [ckaBatch, 3, 32, 32],
                 scalars: (0..<(ckaBatch * 3072)).map { _ in Float(generator.normal()) },
                 context: context)
    }
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try BlockCKA.compare(before, after, batches: batches, context: context)
    let ckaSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let epochSeconds = Double(probeImages) / (128 / median(base))

    print("training step: \(fmt(median(base) * 1000)) ms; with gradient norms recorded: "
          + "\(fmt(median(withNorms) * 1000)) ms; overhead \(fmt(100 * overhead))% (target ≤ 3%)")
    print("CKA, \(before.namedBlocks.count) blocks, \(probeImages) probe images in batches of "
          + "\(ckaBatch): \(fmt(ckaSeconds)) s; one training epoch over \(probeImages) images: "
          + "\(fmt(epochSeconds)) s; ratio \(fmt(ckaSeconds / epochSeconds)) (target ≤ 1)")
  }
}
