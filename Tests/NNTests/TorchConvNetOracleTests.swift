import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN

/// One training step of the plain ConvNet `conv2` in Strata against PyTorch on the same
/// weights, batch and labels: the MEMO code's structure (Oracles/torch_convnet.py: Conv2d with
/// bias, BatchNorm2d, ReLU, MaxPool2d(2) per block, average pooling, linear classifier), mean
/// cross-entropy, `torch.optim.SGD(lr 0.1, momentum 0.9, weight_decay 5e-4)`, BN in training
/// mode. Also checks that the names of both sides are the same set.
@Suite struct TorchConvNetOracleTests {
  static let (learningRate, momentum, weightDecay) = (0.1, 0.9, 5e-4)

  @Test func conv2TrainingStepMatchesPyTorch() throws {
    let net = try ResNet(.conv2(classes: 10), context: NNTest.context)
    Initialization.initialize(net, seed: 1993)
    var random = SeededRandom(seed: 0xC2)
    let (x, labels) = TorchOracle.randomizeForStep(net, &random)

    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-torch-convnet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try TorchOracle.write(
      try TorchOracle.stepTensors(net, input: x),
      extra: ["labels": labels, "kind": "conv2", "in_channels": 3, "classes": 10,
              "learning_rate": Self.learningRate, "momentum": Self.momentum,
              "weight_decay": Self.weightDecay],
      to: directory, stem: "input")
    try TorchOracle.run("torch_step.py", [directory.path, TorchOracle.scriptPath("torch_convnet.py")])
    let (torch, json) = try TorchOracle.read(from: directory, stem: "output")
    let torchLoss = try #require(json["loss"] as? Double, "output.json has no loss")

    let logits = try net(try NNTest.tensor(x), recording: true)
    let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: labels.map(Int32.init), classes: 0..<10, context: NNTest.context)
    try net.backward(dLogits)
    let grads = try NNTest.gradients(of: net)
    let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: Float(Self.weightDecay))],
                  learningRate: Float(Self.learningRate), momentum: Float(Self.momentum))
    sgd.step()

    #expect(abs(loss - torchLoss) / abs(torchLoss) <= 1e-5, "loss \(loss), PyTorch \(torchLoss)")
    func values(_ key: String) throws -> [Double] {
      try #require(torch[key], "PyTorch sent no \(key)").values.map(Double.init)
    }
    var log = DiscrepancyLog("PyTorch conv2 oracle")
    log.check("logits", try NNTest.ref(logits).data, try values("logits"), tolerance: 1e-5)
    for (name, parameter) in net.namedParameters() {
      let g = try #require(grads[name], "\(name) has no gradient")
      // Batch statistics cancel a convolution's bias before batch norm: its gradient is 0 up
      // to rounding on both sides (~1e-6 here), so only the elementwise (absolute) error means
      // anything, for the gradient and for the momentum buffer (gradient + 5e-4 · bias, whose
      // second term is as small as 1e-5 for the 64 → 64 block).
      let cancelled = name.hasSuffix("conv.bias")
      log.check("grad " + name, g.data, try values("grad/" + name), tolerance: 1e-4,
                normTolerance: cancelled ? .infinity : nil)
      log.check("param " + name, parameter.scalars.map(Double.init), try values("param/" + name),
                tolerance: 1e-5)
      log.check("momentum " + name, (sgd.momentumBuffer(of: parameter) ?? []).map(Double.init),
                try values("momentum/" + name), tolerance: 1e-4,
                normTolerance: cancelled ? .infinity : nil)
    }
    for (name, buffer) in net.namedBuffers() {
      log.check(name, try buffer.scalars(context: NNTest.context).map(Double.init),
                try values("buffer/" + name), tolerance: 1e-5)
    }
    #expect(net.namedParameters().map(\.name).filter { $0.hasSuffix("conv.bias") }
      == ["stem.conv.bias", "stage1.block1.conv.bias"])
    print("PyTorch conv2 oracle (torch \(json["torch"] ?? "?")): loss \(loss), PyTorch "
      + "\(torchLoss)")
    print(log.summary)
  }
}
