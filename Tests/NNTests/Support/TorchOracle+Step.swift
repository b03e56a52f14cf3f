import Foundation
import NN
import StrataTestSupport
import Tensor
import TensorReference

/// The set-up both training-step oracle tests share: distinct values everywhere, so that a
/// swapped name in the mapping (bn1 for bn2, mean for variance) shows up as a difference.
extension TorchOracle {
  /// Randomizes γ, β, the head's bias and the running statistics of `net`; returns an input
  /// batch of 8 CIFAR-sized images and their labels, all drawn from `random`.
  static func randomizeForStep(_ net: ResNet, _ random: inout SeededRandom)
    -> (x: RefTensor, labels: [Int])
  {
    net.randomizeBatchNorms(&random)
    net.head.bias.load(random.values(10, -0.1, 0.1).map(Float.init))
    for (name, buffer) in net.namedBuffers() {
      let (low, high) = name.hasSuffix("running_var") ? (0.5, 1.5) : (-0.2, 0.2)
      _ = buffer.memory.floats.initialize(from: random.values(buffer.count, low, high)
        .map(Float.init))
    }
    let x = random.float32Tensor([8, 3, 32, 32], -2, 2)
    return (x, (0..<8).map { _ in random.integer(below: 10) })
  }

  /// Every parameter and buffer of `net`, then the input, as `write` takes them.
  static func stepTensors(_ net: ResNet, input x: RefTensor) throws
    -> [(name: String, shape: [Int], values: [Float])]
  {
    var tensors = net.namedParameters().map {
      (name: $0.name, shape: $0.parameter.shape, values: $0.parameter.scalars)
    }
    for (name, buffer) in net.namedBuffers() {
      tensors.append((name, buffer.shape, try buffer.scalars(context: NNTest.context)))
    }
    tensors.append(("input", x.shape, x.data.map(Float.init)))
    return tensors
  }

}
