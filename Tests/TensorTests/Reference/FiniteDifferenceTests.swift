import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

/// The checker itself: it must pass a right gradient and FAIL a wrong one, or every other test
/// proves nothing.
@Suite("Finite-difference checker")
struct FiniteDifferenceTests {
  /// f(x) = Σ xᵢ³ has gradient 3xᵢ²; the central difference matches it to 1e-8 (its
  /// truncation error is h²·|f'''|/6 = 1e-12 per unit, so this is loose).
  @Test func matchesAKnownGradient() {
    var random = SeededRandom(seed: 1)
    let x = random.tensor([2, 3], -2, 2)
    let exact = RefTensor(shape: x.shape, data: x.data.map { 3 * $0 * $0 })
    let numeric = FiniteDifference.gradient(
      of: { $0.data.map { $0 * $0 * $0 }.reduce(0, +) }, at: x)
    #expect(FiniteDifference.compare(exact, numeric).worstRelativeError <= 1e-8)
  }

  /// A gradient scaled by 1.01 (a 1 % error) fails the 1e-6 tolerance by far.
  @Test func catchesAScaledGradient() {
    var random = SeededRandom(seed: 2)
    let x = random.tensor([3, 4])
    let w = random.tensor([2, 4])
    let dy = random.tensor([3, 2])
    let right = Reference.linearBackward(x, weight: w, dy: dy).dx
    var wrong = right
    for i in 0..<wrong.count { wrong.data[i] *= 1.01 }
    let loss = { (x: RefTensor) in
      FiniteDifference.projection(Reference.linear(x, weight: w, bias: [0, 0]), onto: dy)
    }
    let numeric = FiniteDifference.gradient(of: loss, at: x)
    #expect(FiniteDifference.compare(right, numeric).worstRelativeError <= 1e-6)
    #expect(FiniteDifference.compare(wrong, numeric).worstRelativeError > 1e-3)
  }

  /// A single wrong element is found and located, with its relative error.
  @Test func locatesTheWorstElement() {
    let numeric = RefTensor(shape: [2, 2], data: [1, 2, 3, 4])
    var analytic = numeric
    analytic[1, 0] = 3.5
    let result = FiniteDifference.compare(analytic, numeric)
    #expect(result.worstIndex == [1, 0])
    #expect(abs(result.worstRelativeError - 0.5 / 3.5) <= 1e-15)
  }

  /// A NaN never passes.
  @Test func nanFails() {
    let numeric = RefTensor(shape: [2], data: [1, 2])
    let analytic = RefTensor(shape: [2], data: [1, .nan])
    let result = FiniteDifference.compare(analytic, numeric)
    #expect(!(result.worstRelativeError <= 1e-6))
    #expect(result.worstIndex == [1])
  }

  /// A plausible real bug, batch norm's dx without the mean/variance terms (treating the batch
  /// statistics as constants, i.e. the inference formula in training mode), is caught.
  @Test func catchesBatchNormWithoutStatisticsTerms() {
    var random = SeededRandom(seed: 4)
    let x = random.tensor([4, 2])
    let gamma = [1.0, 0.5]
    let beta = [0.0, 0.0]
    let dy = random.tensor([4, 2])
    let stats = Reference.batchNormTraining(x, gamma: gamma, beta: beta, epsilon: 1e-5).stats
    let wrong = Reference.batchNormInferenceBackward(
      x, gamma: gamma, runningMean: stats.mean, runningVariance: stats.variance, dy: dy,
      epsilon: 1e-5
    ).dx
    let numeric = FiniteDifference.gradient(
      of: {
        FiniteDifference.projection(
          Reference.batchNormTraining($0, gamma: gamma, beta: beta, epsilon: 1e-5).y, onto: dy)
      }, at: x)
    #expect(FiniteDifference.compare(wrong, numeric).worstRelativeError > 1e-3)
  }
}
