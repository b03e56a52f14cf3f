import Common
import Foundation
import NN
import Probes
import Tensor

/// Times training steps and eval forwards of the network the learners train, an
/// `ExpandableNetwork`, on synthetic data: the engine alone, without data loading. Medians over
/// `steps` after `warmup`.
///
/// One branch at split `none` is the plain ResNet; `branches` T > 1 at a split is MEMO after T
/// tasks: the trunk trains, the newest branch trains, the T − 1 older ones are frozen and in
/// eval mode but pass the gradient through to the trunk, and the loss adds the auxiliary head's.
struct EngineBenchmark {
  var architecture: ResNetArchitecture
  var batch: Int
  var steps: Int
  var warmup: Int
  var branches = 1
  var split = SplitPoint.none
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
    try measure(try Session(self, context: try ComputeContext.shared()), progress: progress)
  }

  /// `warmup` + `steps` training steps, then as many eval forwards, on `session`.
  func measure(_ session: Session, progress: (String) -> Void) throws -> Result {
    var train: [Double] = [], recorded: [Double] = []
    for step in 0..<(warmup + steps) {
      let records = alternatesGradientNorms && step % 2 == 1
      let seconds = try session.trainStep(step, recordingNorms: records)
      if step >= warmup {
        if records { recorded.append(seconds) } else { train.append(seconds) }
      }
      progress("train step \(step + 1)/\(warmup + steps): \(String(format: "%.3f", seconds)) s")
    }
    var eval: [Double] = []
    for step in 0..<(warmup + steps) {
      let seconds = try session.evalStep()
      if step >= warmup { eval.append(seconds) }
    }
    return Result(trainImagesPerSecond: Double(batch) / median(train),
                  evalImagesPerSecond: Double(batch) / median(eval), trainStepSeconds: train,
                  recordedStepSeconds: recorded)
  }

  /// Training and eval rates for each context, measured in turns (`Interleaved`), so a noisy
  /// machine's slow moments fall on all of them alike.
  /// `progress` gets the number of training rounds done, of `warmup + steps`.
  func runAlternating(_ contexts: [ComputeContext], progress: (Int) -> Void) throws
    -> [Result]
  {
    let sessions = try contexts.map { context throws in try Session(self, context: context) }
    let train = try Interleaved.run(warmup + steps, sessions.map { session in
      { step in try session.trainStep(step, recordingNorms: false) }
    }, progress: progress)
    let eval = try Interleaved.run(warmup + steps, sessions.map { session in
      { _ in try session.evalStep() }
    }) { _ in }
    return zip(train, eval).map { train, eval in
      let (train, eval) = (Array(train.dropFirst(warmup)), Array(eval.dropFirst(warmup)))
      return Result(trainImagesPerSecond: Double(batch) / median(train),
                    evalImagesPerSecond: Double(batch) / median(eval), trainStepSeconds: train)
    }
  }

  /// One network on synthetic data, stepped by the caller.
  final class Session {
    let net: ExpandableNetwork
    let sgd: SGD
    let input: Tensor
    let labels: [Int32]
    /// The auxiliary head's labels: the newest task's classes 1…k, older classes 0.
    let auxiliaryLabels: [Int32]
    let classes: Range<Int>
    let context: ComputeContext
    var norms: GradientNormProbe

    init(_ benchmark: EngineBenchmark, context: ComputeContext) throws {
      let architecture = benchmark.architecture
      self.context = context
      net = try benchmark.makeNetwork(context: context)
      // The learners' optimizer: trainable parameters only (the old branches are frozen).
      sgd = SGD(groups: [ParameterGroup(net.parameters.filter(\.isTrainable), weightDecay: 5e-4)],
                learningRate: 0.1)
      let size = architecture.inputSize, channels = architecture.inputChannels
      var generator = SeededGenerator(seed: 7)
      let count = benchmark.batch * channels * size * size
      let pixels = (0..<count).map { _ in Float(generator.normal()) }
      labels = (0..<benchmark.batch).map { Int32($0 % architecture.classes) }
      let known = Int32(architecture.classes - net.taskSizes.last!)
      auxiliaryLabels = labels.map { $0 >= known ? $0 - known + 1 : 0 }
      classes = 0..<architecture.classes
      input = try Tensor(shape: [benchmark.batch, channels, size, size], scalars: pixels,
                         context: context)
      norms = GradientNormProbe(blocks: net.namedBlocks.map(\.name))
    }

    /// Forward, loss, backward and SGD step; seconds taken.
    func trainStep(_ step: Int, recordingNorms: Bool) throws -> Double {
      net.setTraining(true)
      let start = DispatchTime.now().uptimeNanoseconds
      let output = try net(input, recording: true)
      var (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
        logits: output.logits, labels: labels, classes: classes, context: context)
      var dAuxiliary: Tensor?
      if let auxiliary = output.auxiliaryLogits {
        let (auxiliaryLoss, d) = try SoftmaxCrossEntropy.forwardBackward(
          logits: auxiliary, labels: auxiliaryLabels, classes: 0..<auxiliary.shape[1],
          context: context)
        loss += auxiliaryLoss
        dAuxiliary = d
      }
      try net.checkLoss(loss, step: step, input: input)
      try net.backward(dLogits, auxiliary: dAuxiliary)
      if recordingNorms { norms.record(net) }
      sgd.step()
      sgd.zeroGradients()
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// One eval-mode forward; seconds taken.
    func evalStep() throws -> Double {
      net.setTraining(false)
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try net(input, recording: false)
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
  }

  /// The network after `branches` tasks that split the classes evenly (the first task takes the
  /// remainder), each older branch frozen and in eval mode, as `addTask` leaves them.
  func makeNetwork(context: ComputeContext) throws -> ExpandableNetwork {
    precondition(branches == 1 || split != .none, "several branches need a split")
    let net = try ExpandableNetwork(architecture, split: split, seed: 1993, context: context)
    let increment = architecture.classes / branches
    try net.addTask(classes: architecture.classes - increment * (branches - 1))
    for _ in 1..<branches { try net.addTask(classes: increment) }
    return net
  }

  /// Training FLOPs per image: 2 per multiply-accumulate, three passes (forward, backward data,
  /// backward weights) for every layer except that the first one needs no backward data.
  /// (Of the plain network: with several branches this counts one branch, so the share of the
  /// ceiling is printed for one branch only.)
  func trainingFLOPsPerImage() throws -> Double {
    let net = try ResNet(architecture, context: try ComputeContext.shared())
    let costs = net.blockCosts(input: [1, architecture.inputChannels, architecture.inputSize,
                                       architecture.inputSize])
    let total = Double(costs.reduce(0) { $0 + $1.multiplyAccumulates })
    let stem = Double(costs.first?.multiplyAccumulates ?? 0)
    return 2 * (3 * total - stem)
  }
}
