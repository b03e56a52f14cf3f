import Tensor
import StrataTestSupport
import Testing
@testable import NN

/// `checkLoss(_:step:input:)` stops a diverging run with an error that names the step and the
/// first block whose output is not finite.
@Suite struct NonFiniteCheckTests {
  static func network() throws -> (ResNet, Tensor) {
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: NNTest.context)
    Initialization.initialize(net, seed: 5)
    var random = SeededRandom(seed: 5)
    return (net, try NNTest.tensor(random.float32Tensor([4, 3, 8, 8])))
  }

  static func poison(_ net: ResNet, _ name: String) throws {
    let parameter = try #require(net.namedParameters().first { $0.name == name }?.parameter)
    parameter.load(Array(repeating: .nan, count: parameter.count))
  }

  static func loss(_ net: ResNet, _ x: Tensor) throws -> Double {
    let logits = try net(x, recording: true)
    return try SoftmaxCrossEntropy.forwardBackward(
      logits: logits, labels: [0, 1, 2, 3], classes: 0..<5, context: NNTest.context).loss
  }

  /// NaN weights in stage2.block1's first convolution stop the run at that block.
  ///
  /// Note: oneDNN's ReLU (standalone, fused into batch norm, fused into the residual add) maps
  /// NaN to 0, where PyTorch's keeps it. So here conv1's NaN output turns into a NaN batch mean,
  /// bn1's fused ReLU zeroes it, bn2 normalizes zeros, and the block's output and the loss are
  /// finite while the weights and bn1's running statistics are NaN: the check must look past
  /// the loss.
  @Test func nanWeightsNameTheFirstNonFiniteBlock() throws {
    let (net, x) = try Self.network()
    try Self.poison(net, "stage2.block1.conv1.weight")
    let loss = try Self.loss(net, x)
    let error = #expect(throws: NonFiniteLossError.self,
                        "NaN weights in stage2.block1.conv1 went unnoticed (loss \(loss))") {
      try net.checkLoss(loss, step: 17, input: x)
    }
    #expect(error?.step == 17)
    #expect(error?.block == "stage2.block1")
    let description = error?.description ?? ""
    #expect(description.contains("step 17"), "\(description)")
    #expect(description.contains("stage2.block1"), "\(description)")
    print("NaN in stage2.block1.conv1.weight: loss \(loss); error: \(description)")
  }

  /// A NaN pixel in the batch must not train silently either: it poisons the stem's batch
  /// statistics (then ReLU hides it, as above), so the stem is where the run breaks.
  @Test func nanInputNamesTheStem() throws {
    let (net, _) = try Self.network()
    var random = SeededRandom(seed: 5)
    var pixels = random.float32Tensor([4, 3, 8, 8])
    pixels.data[100] = .nan
    let x = try NNTest.tensor(pixels)
    let loss = try Self.loss(net, x)
    let error = #expect(throws: NonFiniteLossError.self,
                        "a NaN input pixel went unnoticed (loss \(loss))") {
      try net.checkLoss(loss, step: 2, input: x)
    }
    #expect(error?.block == "stem")
  }

  /// NaN in the classifier: every block is finite, the head's output is not.
  @Test func nanHeadIsNamed() throws {
    let (net, x) = try Self.network()
    try Self.poison(net, "head.weight")
    let loss = try Self.loss(net, x)
    let error = #expect(throws: NonFiniteLossError.self) {
      try net.checkLoss(loss, step: 3, input: x)
    }
    #expect(error?.block == "head")
  }

  /// A finite loss passes; an infinite loss with finite outputs blames no block.
  @Test func finiteLossPassesAndOverflowNamesNoBlock() throws {
    let (net, x) = try Self.network()
    let loss = try Self.loss(net, x)
    #expect(loss.isFinite)
    try net.checkLoss(loss, step: 0, input: x)
    let error = #expect(throws: NonFiniteLossError.self) {
      try net.checkLoss(.infinity, step: 9, input: x)
    }
    #expect(error != nil && error?.block == nil)
    #expect(error?.description.contains("step 9") == true)
  }
}
