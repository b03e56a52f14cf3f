import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference relu and add")
struct ElementwiseTests {
  @Test func reluForward() {
    let x = RefTensor(shape: [2, 2], data: [-1.5, 0, 2, -0.0])
    #expect(Reference.relu(x) == RefTensor(shape: [2, 2], data: [0, 0, 2, 0]))
  }

  /// The subgradient at the kink is 0, as PyTorch: dy passes only where x > 0 (exact).
  @Test func reluBackwardIsZeroAtAndBelowZero() {
    let x = RefTensor(shape: [4], data: [-1, 0, -0.0, 1e-300])
    let dy = RefTensor(shape: [4], data: [5, 6, 7, 8])
    #expect(Reference.reluBackward(x, dy: dy) == RefTensor(shape: [4], data: [0, 0, 0, 8]))
  }

  /// dx against central differences with every |x| ≥ 0.1, far from the kink; tolerance 1e-8
  /// (relu is piecewise linear, so the differences are exact up to rounding, about 1e-10).
  @Test func reluBackwardMatchesFiniteDifferences() {
    var random = SeededRandom(seed: 0x5E1)
    let x = random.tensorAwayFromZero([2, 3, 2, 2])
    let dy = random.tensor(x.shape)
    let dx = Reference.reluBackward(x, dy: dy)
    FiniteDifference.check("relu dx", analytic: dx, at: x, tolerance: 1e-8) {
      FiniteDifference.projection(Reference.relu($0), onto: dy)
    }
  }

  @Test func addForward() {
    let a = RefTensor(shape: [1, 2, 1, 1], data: [1, 2])
    let b = RefTensor(shape: [1, 2, 1, 1], data: [10, -20])
    #expect(Reference.add(a, b) == RefTensor(shape: [1, 2, 1, 1], data: [11, -18]))
  }

  /// The residual add passes dy unchanged to both operands; checked against central
  /// differences with respect to each; tolerance 1e-8.
  @Test func addBackwardIsIdentityToBoth() {
    var random = SeededRandom(seed: 0xADD)
    let a = random.tensor([2, 2, 2, 2])
    let b = random.tensor([2, 2, 2, 2])
    let dy = random.tensor([2, 2, 2, 2])
    let (da, db) = Reference.addBackward(dy: dy)
    #expect(da == dy && db == dy)
    FiniteDifference.check("add da", analytic: da, at: a, tolerance: 1e-8) {
      FiniteDifference.projection(Reference.add($0, b), onto: dy)
    }
    FiniteDifference.check("add db", analytic: db, at: b, tolerance: 1e-8) {
      FiniteDifference.projection(Reference.add(a, $0), onto: dy)
    }
  }
}
