import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference linear")
struct LinearTests {
  /// y = x Wᵀ + b worked by hand (exact).
  @Test func forwardMatchesHandComputation() {
    let x = RefTensor(shape: [2, 3], data: [1, 2, 3, 0, -1, 1])
    let w = RefTensor(shape: [2, 3], data: [1, 0, -1, 2, 1, 0])
    let y = Reference.linear(x, weight: w, bias: [0.5, -1])
    #expect(y == RefTensor(shape: [2, 2], data: [-1.5, 3, -0.5, -2]))
  }

  /// dx, dW and db against central differences of L = Σ dy ⊙ y; tolerance 1e-6.
  @Test func backwardMatchesFiniteDifferences() {
    var random = SeededRandom(seed: 0x11)
    let x = random.tensor([3, 5])
    let w = random.tensor([4, 5])
    let b = random.values(4)
    let dy = random.tensor([3, 4])
    let (dx, dW, db) = Reference.linearBackward(x, weight: w, dy: dy)
    FiniteDifference.check("linear dx", analytic: dx, at: x, tolerance: 1e-6) {
      FiniteDifference.projection(Reference.linear($0, weight: w, bias: b), onto: dy)
    }
    FiniteDifference.check("linear dW", analytic: dW, at: w, tolerance: 1e-6) {
      FiniteDifference.projection(Reference.linear(x, weight: $0, bias: b), onto: dy)
    }
    FiniteDifference.check("linear db", analytic: db, at: b, tolerance: 1e-6) {
      FiniteDifference.projection(Reference.linear(x, weight: w, bias: $0), onto: dy)
    }
  }
}
