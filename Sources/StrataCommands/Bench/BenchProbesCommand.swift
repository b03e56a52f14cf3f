import ArgumentParser
import Common
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
      Trains ResNet-32 (batch 128, synthetic 32x32x3), recording block-wise gradient norms \
      after every other step's backward (medians of --steps steps each way). Then, --rounds \
      times, it computes CKA for every block between two ResNet-32s on a --probe-images probe \
      set (--cka-batch images per batch) and trains one epoch over the same number of images \
      (batch 128), one right after the other so that both see the same moments of a shared \
      machine; it prints the medians and the median of the rounds' ratios.

      Example: OMP_NUM_THREADS=2 swift run -c release strata bench probes
      """)

  @Option(help: "Measured training steps per variant.") var steps = 12
  @Option(help: "Images in the probe set.") var probeImages = 2000
  @Option(help: "Images per CKA estimator batch (equal batches; at least 4).") var ckaBatch = 40
  @Option(help: "Images per forward pass over the probe set (a multiple of --cka-batch).")
  var forwardBatch = 200
  @Option(help: "Rounds of one CKA pass and one training epoch.") var rounds = 3

  func validate() throws {
    for (name, value) in [("--steps", steps), ("--rounds", rounds), ("--probe-images", probeImages)]
      where value < 1
    {
      throw ValidationError("\(name) must be at least 1, got \(value)")
    }
    guard ckaBatch >= 4, forwardBatch > 0, forwardBatch % ckaBatch == 0,
          probeImages % forwardBatch == 0 else {
      throw ValidationError("--probe-images must be a multiple of --forward-batch, and that of "
                            + "--cka-batch (≥ 4)")
    }
  }

  func run() throws {
    let context = try ComputeContext.shared()
    let architecture = ResNetArchitecture.cifar(depth: 32, classes: 100)
    var alternating = EngineBenchmark(architecture: architecture, batch: 128, steps: 2 * steps,
                                      warmup: 3)
    alternating.alternatesGradientNorms = true
    let result = try alternating.run { _ in }
    let (base, withNorms) = (result.trainStepSeconds, result.recordedStepSeconds)
    let overhead = median(withNorms) / median(base) - 1

    let before = try ResNet(architecture, context: context)
    let after = try ResNet(architecture, context: context)
    Initialization.initialize(before, seed: 1)
    Initialization.initialize(after, seed: 2)
    before.setTraining(false)
    after.setTraining(false)
    var generator = SeededGenerator(seed: 3)
    let batches = try (0..<(probeImages / forwardBatch)).map { _ in
      try Tensor(shape: [forwardBatch, 3, 32, 32],
                 scalars: (0..<(forwardBatch * 3072)).map { _ in Float(generator.normal()) },
                 context: context)
    }
    var ckaSeconds: [Double] = [], epochSeconds: [Double] = []
    let epochSteps = (probeImages + 127) / 128
    for _ in 0..<rounds {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try BlockCKA.compare(before, after, batches: batches, estimatorBatch: ckaBatch,
                               context: context)
      ckaSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      let epoch = try EngineBenchmark(architecture: architecture, batch: 128, steps: epochSteps,
                                      warmup: 1).run { _ in }
      // The epoch's steps scaled to exactly probeImages images.
      epochSeconds.append(epoch.trainStepSeconds.reduce(0, +) * Double(probeImages)
                          / Double(128 * epochSteps))
    }
    let ratios = zip(ckaSeconds, epochSeconds).map { $0 / $1 }

    print("training step: \(fmt(median(base) * 1000)) ms; with gradient norms recorded: "
          + "\(fmt(median(withNorms) * 1000)) ms; overhead \(fmt(100 * overhead))% (target ≤ 3%)")
    print("CKA, \(before.namedBlocks.count) blocks, \(probeImages) probe images in batches of "
          + "\(ckaBatch) (Gram kernel: \(BlockCKA.kernelInstructionSet)): median \(fmt(median(ckaSeconds))) s; "
          + "one training epoch over \(probeImages) images: median \(fmt(median(epochSeconds))) s; "
          + "median ratio of \(ratios.count) rounds \(fmt(median(ratios))) (target ≤ 1)")
  }
}
