import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN

/// One training step of ResNet-20 in Strata against PyTorch 1.13 on the same weights, batch and
/// labels: PyCIL's CIFAR ResNet (benchmarks/torch_resnet_cifar.py, option A), mean cross-entropy,
/// `torch.optim.SGD(lr 0.1, momentum 0.9, weight_decay 5e-4)`, BN in training mode.
@Suite struct TorchOracleTests {
  static let (learningRate, momentum, weightDecay) = (0.1, 0.9, 5e-4)

  /// Loss (relative 1e-5), logits, every gradient (‖a − b‖/‖b‖ ≤ 1e-4 per tensor, and
  /// elementwise relative to max(1, |b|)), the BN running statistics after the forward, the
  /// updated parameters and PyTorch's momentum buffers after the step. Prints the worst errors,
  /// and how far each side is from a float64 run of the same step.
  ///
  /// The comparison holds at the thread count CI uses (two) under every `STRATA_CONVOLUTION`
  /// setting. It is not smooth everywhere: among the 1.2M ReLU inputs of this step a few lie
  /// within float32 rounding of zero, and a different summation order (another thread count or
  /// convolution algorithm) can flip one mask bit. With `OMP_NUM_THREADS=1` and direct
  /// convolutions one does: the input gradients of the blocks, dumped at one and two threads,
  /// agree to 1e-6 down to `stage2.block1`, whose input gradient then differs in exactly the
  /// receptive field of one output pixel of its stride-2 conv1 (2×3 pixels × 16 channels of
  /// image 3), moving the gradients below it by up to 0.4% (measured 2026-11-28). Three other
  /// seeds flipped a bit under at least one of the six settings too, so this is a property of
  /// the check, not of an op; the ops themselves are checked against Float64 in the engine
  /// tests at any thread count.
  @Test func oneTrainingStepMatchesPyTorch() throws {
    guard FileManager.default.fileExists(atPath: TorchOracle.modelPath) else {
      Issue.record("the PyTorch model \(TorchOracle.modelPath) is missing")
      return
    }
    let net = try ResNet(.cifar(depth: 20, classes: 10), context: NNTest.context)
    Initialization.initialize(net, seed: 1993)
    var random = SeededRandom(seed: 0x70C4)
    let (x, labels) = TorchOracle.randomizeForStep(net, &random)

    // PyTorch's step, from the same values.
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-torch-oracle-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try TorchOracle.write(
      try TorchOracle.stepTensors(net, input: x),
      extra: ["labels": labels, "depth": 20, "classes": 10, "learning_rate": Self.learningRate,
              "momentum": Self.momentum, "weight_decay": Self.weightDecay],
      to: directory, stem: "input")
    try TorchOracle.run("torch_step.py", [directory.path, TorchOracle.modelPath])
    let (torch, json) = try TorchOracle.read(from: directory, stem: "output")
    let torchLoss = try #require(json["loss"] as? Double, "output.json has no loss")
    let exactLoss = try #require(json["f64/loss"] as? Double, "output.json has no f64/loss")

    // Strata's step.
    let logits = try net(try NNTest.tensor(x), recording: true)
    let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: labels.map(Int32.init), classes: 0..<10, context: NNTest.context)
    try net.checkLoss(loss, step: 0, input: try NNTest.tensor(x))
    try net.backward(dLogits)
    let grads = try NNTest.gradients(of: net)
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: Float(Self.weightDecay))],
                  learningRate: Float(Self.learningRate), momentum: Float(Self.momentum))
    sgd.step()

    let lossError = abs(loss - torchLoss) / abs(torchLoss)
    #expect(lossError <= 1e-5, "loss \(loss), PyTorch \(torchLoss)")

    func values(_ key: String) -> [Double] {
      guard let t = torch[key] else {
        Issue.record("PyTorch sent no \(key)")
        return []
      }
      return t.values.map(Double.init)
    }
    func compare(_ log: inout DiscrepancyLog, _ name: String, _ ours: [Double], _ key: String,
                 tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation)
    {
      let theirs = values(key)
      guard theirs.count == ours.count else {
        Issue.record("\(name): \(ours.count) values, PyTorch \(theirs.count)",
                     sourceLocation: sourceLocation)
        return
      }
      log.check(name, ours, theirs, tolerance: tolerance, sourceLocation: sourceLocation)
    }

    var forward = DiscrepancyLog("PyTorch oracle logits")
    compare(&forward, "logits", try NNTest.ref(logits).data, "logits", tolerance: 1e-5)
    var gradients = DiscrepancyLog("PyTorch oracle gradients")
    var updated = DiscrepancyLog("PyTorch oracle parameters after the step")
    var momenta = DiscrepancyLog("PyTorch oracle momentum buffers")
    var exact = DiscrepancyLog("Strata vs PyTorch float64, gradients")
    var torchExact = DiscrepancyLog("PyTorch float32 vs float64, gradients")
    for (name, parameter) in net.namedParameters() {
      let g = try #require(grads[name], "\(name) has no gradient")
      compare(&gradients, name, g.data, "grad/" + name, tolerance: 1e-4)
      compare(&updated, name, parameter.scalars.map(Double.init), "param/" + name,
              tolerance: 1e-5)
      compare(&momenta, name, (sgd.momentumBuffer(of: parameter) ?? []).map(Double.init),
              "momentum/" + name, tolerance: 1e-4)
      // For the report only: both float32 runs against the float64 one.
      exact.note(name, g.data, values("f64/grad/" + name))
      torchExact.note(name, values("grad/" + name), values("f64/grad/" + name))
    }
    var statistics = DiscrepancyLog("PyTorch oracle BN running statistics")
    for (name, buffer) in net.namedBuffers() {
      compare(&statistics, name, try buffer.scalars(context: NNTest.context).map(Double.init),
              "buffer/" + name, tolerance: 1e-5)
    }
    #expect(gradients.entries.count == net.namedParameters().count)
    #expect(statistics.entries.count == 2 * 19, "19 batch norms in ResNet-20")

    print("PyTorch oracle (torch \(json["torch"] ?? "?")): loss \(loss), PyTorch \(torchLoss), "
      + "relative error \(lossError); float64 loss \(exactLoss)")
    for log in [forward, gradients, statistics, updated, momenta, exact, torchExact] {
      print(log.summary)
    }
  }
}
