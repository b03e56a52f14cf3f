import Tensor
import Testing
@testable import TensorReference

@Suite("Reference SGD")
struct SGDTests {
  /// A fixed gradient g for K steps without weight decay has the closed form
  /// v_k = g (1 − μᵏ)/(1 − μ), θ_K = θ₀ − lr · g · Σ_{k=1..K} (1 − μᵏ)/(1 − μ) (to 1e-14).
  @Test func fixedGradientMatchesClosedForm() {
    let (lr, mu, steps) = (0.1, 0.9, 5)
    let initial = [1.0, 2, -3]
    let gradient = [0.5, -1.25, 2]
    var theta = initial
    var velocity: [Double]? = nil
    for _ in 0..<steps {
      Reference.sgdStep(
        parameter: &theta, gradient: gradient, velocity: &velocity, learningRate: lr,
        momentum: mu, weightDecay: 0)
    }
    var factor = 0.0
    var power = 1.0
    for _ in 1...steps {
      power *= mu
      factor += (1 - power) / (1 - mu)
    }
    for i in theta.indices {
      #expect(abs(theta[i] - (initial[i] - lr * gradient[i] * factor)) <= 1e-14)
      #expect(abs(velocity![i] - gradient[i] * (1 - power) / (1 - mu)) <= 1e-14)
    }
  }

  /// With weight decay 0.01, lr 0.1, μ 0.9, three steps worked by hand in exact fractions:
  /// θ: 1 → 0.949 → 0.852151 → 0.714134749 for g = 0.5, and
  /// −2 → −2.098 → −2.284102 → −2.549309698 for g = 1 (to 1e-14).
  @Test func weightDecayMatchesHandComputation() {
    var theta = [1.0, -2]
    var velocity: [Double]? = nil
    let expected: [[Double]] = [
      [0.949, -2.098], [0.852151, -2.284102], [0.714134749, -2.549309698],
    ]
    for step in 0..<3 {
      Reference.sgdStep(
        parameter: &theta, gradient: [0.5, 1], velocity: &velocity, learningRate: 0.1,
        momentum: 0.9, weightDecay: 0.01)
      for i in 0..<2 { #expect(abs(theta[i] - expected[step][i]) <= 1e-14) }
    }
    // The buffer after step 3 (g' = g + wd θ, accumulated): 1.38016251 and 2.65207698.
    #expect(abs(velocity![0] - 1.38016251) <= 1e-14)
    #expect(abs(velocity![1] - 2.65207698) <= 1e-14)
  }

  /// The first step creates the buffer as g' itself, so it equals a plain SGD step.
  @Test func firstStepIsPlainGradientStep() {
    var theta = [2.0]
    var velocity: [Double]? = nil
    Reference.sgdStep(
      parameter: &theta, gradient: [3], velocity: &velocity, learningRate: 0.5, momentum: 0.9,
      weightDecay: 0.5)
    // g' = 3 + 0.5 · 2 = 4; θ = 2 − 0.5 · 4 = 0.
    #expect(velocity == [4])
    #expect(theta == [0])
  }

  /// Momentum 0 keeps no buffer, as PyTorch: θ −= lr (g + wd θ) (exact here).
  @Test func zeroMomentumKeepsNoBuffer() {
    var theta = [2.0, -4]
    var velocity: [Double]? = nil
    Reference.sgdStep(
      parameter: &theta, gradient: [1, 1], velocity: &velocity, learningRate: 0.5, momentum: 0,
      weightDecay: 0.25)
    #expect(velocity == nil)
    #expect(theta == [2 - 0.5 * 1.5, -4 - 0.5 * 0])
  }
}
