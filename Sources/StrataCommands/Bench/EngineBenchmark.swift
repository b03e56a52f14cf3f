import Foundation
import NN
import Probes
import Tensor

/// Times ResNet training steps and eval forwards on synthetic data: the engine alone, without
/// data loading. Medians over `steps` after `warmup`.
struct EngineBenchmark {
  var architecture: ResNetArchitecture
  var batch: Int
  var steps: Int
  var warmup: Int
  /// Record block-wise gradient norms after the backward of every other step (the probe run's
  /// per-step cost), so both kinds of step share the same moments of a noisy machine.
  var alternatesGradientNorms = false

  struct Result {
    var trainImagesPerSecond: Double
    var evalImagesPerSecond: Double
    var trainStepSeconds: [Double]
    /// With `alternatesGradientNorms`: the steps that recorded them.
    var recordedStepSeconds: [Double] = []
  }

  func run(progress: (String) -> Void) throws -> Result {
    let context = try ComputeContext.shared()
    let net = try ResNet(architecture, context: context)
    Initialization.initialize(net, seed: 1993)
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: 5e-4)], learningRate: 0.1)
    let size = architecture.inputSize, channels = architecture.inputChannels
    var generator = SeededGenerator(seed: 7)
    let pixels = (0..<(batch * channels * size * size)).map { _ in Float(generator.normal()) }
    let labels = (0..<batch).map { Int32($0 % architecture.classes) }
    let input = try Tensor(shape: [batch, channels, size, size], scalars: pixels, context: context)

    net.setTraining(true)
    var norms = GradientNormProbe(blocks: net.namedBlocks.map(\.name))
    var train: [Double] = [], recorded: [Double] = []
    for step in 0..<(warmup + steps) {
      let start = DispatchTime.now().uptimeNanoseconds
      let logits = try net(input, recording: true)
      let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
        logits: logits, labels: labels, classes: 0..<architecture.classes, context: context)
      try net.checkLoss(loss, step: step, input: input)
      try net.backward(dLogits)
      let records = alternatesGradientNorms && step % 2 == 1
      if records { norms.record(net) }
      sgd.step()
      sgd.zeroGradients()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if step >= warmup {
        if records { recorded.append(seconds) } else { train.append(seconds) }
      }
      progress("train step \(step + 1)/\(warmup + steps): \(String(format: "%.3f", seconds)) s")
    }

    net.setTraining(false)
    var eval: [Double] = []
    for step in 0..<(warmup + steps) {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try net(input, recording: false)
      if step >= warmup { eval.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    }
    return Result(trainImagesPerSecond: Double(batch) / median(train),
                  evalImagesPerSecond: Double(batch) / median(eval), trainStepSeconds: train,
                  recordedStepSeconds: recorded)
  }

  /// Training FLOPs per image: 2 per multiply-accumulate, three passes (forward, backward data,
  /// backward weights) for every layer except that the first one needs no backward data.
  func trainingFLOPsPerImage() throws -> Double {
    let net = try ResNet(architecture, context: try ComputeContext.shared())
    let costs = net.blockCosts(input: [1, architecture.inputChannels, architecture.inputSize,
                                       architecture.inputSize])
    let total = Double(costs.reduce(0) { $0 + $1.multiplyAccumulates })
    let stem = Double(costs.first?.multiplyAccumulates ?? 0)
    return 2 * (3 * total - stem)
  }
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  let mid = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
