import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference batch norm")
struct BatchNormTests {
  static let epsilon = 1e-5

  /// Training mode, rank 4 and rank 2: dx (through the batch statistics), dγ and dβ against
  /// central differences of L = Σ dy ⊙ y; tolerance 1e-6.
  @Test(arguments: [[2, 3, 2, 3], [5, 3]])
  func trainingBackwardMatchesFiniteDifferences(shape: [Int]) {
    var random = SeededRandom(seed: 0xB4)
    let x = random.tensor(shape, -2, 2)
    let gamma = random.values(3, 0.5, 1.5)
    let beta = random.values(3)
    let eps = Self.epsilon
    let dy = random.tensor(shape)
    let (dx, dGamma, dBeta) = Reference.batchNormTrainingBackward(
      x, gamma: gamma, dy: dy, epsilon: eps)
    FiniteDifference.check("batchNormTraining dx \(shape)", analytic: dx, at: x, tolerance: 1e-6) {
      FiniteDifference.projection(
        Reference.batchNormTraining($0, gamma: gamma, beta: beta, epsilon: eps).y, onto: dy)
    }
    FiniteDifference.check(
      "batchNormTraining dGamma \(shape)", analytic: dGamma, at: gamma, tolerance: 1e-6
    ) {
      FiniteDifference.projection(
        Reference.batchNormTraining(x, gamma: $0, beta: beta, epsilon: eps).y, onto: dy)
    }
    FiniteDifference.check(
      "batchNormTraining dBeta \(shape)", analytic: dBeta, at: beta, tolerance: 1e-6
    ) {
      FiniteDifference.projection(
        Reference.batchNormTraining(x, gamma: gamma, beta: $0, epsilon: eps).y, onto: dy)
    }
  }

  /// Inference mode, rank 4 and rank 2: dx, dγ, dβ against central differences; 1e-6.
  @Test(arguments: [[2, 3, 2, 3], [5, 3]])
  func inferenceBackwardMatchesFiniteDifferences(shape: [Int]) {
    var random = SeededRandom(seed: 0xB5)
    let x = random.tensor(shape, -2, 2)
    let gamma = random.values(3, 0.5, 1.5)
    let beta = random.values(3)
    let mean = random.values(3)
    let variance = random.values(3, 0.2, 2)
    let eps = Self.epsilon
    let dy = random.tensor(shape)
    func forward(_ x: RefTensor, _ gamma: [Double], _ beta: [Double]) -> RefTensor {
      Reference.batchNormInference(
        x, gamma: gamma, beta: beta, runningMean: mean, runningVariance: variance, epsilon: eps)
    }
    let (dx, dGamma, dBeta) = Reference.batchNormInferenceBackward(
      x, gamma: gamma, runningMean: mean, runningVariance: variance, dy: dy, epsilon: eps)
    FiniteDifference.check("batchNormInference dx \(shape)", analytic: dx, at: x, tolerance: 1e-6) {
      FiniteDifference.projection(forward($0, gamma, beta), onto: dy)
    }
    FiniteDifference.check(
      "batchNormInference dGamma \(shape)", analytic: dGamma, at: gamma, tolerance: 1e-6
    ) { FiniteDifference.projection(forward(x, $0, beta), onto: dy) }
    FiniteDifference.check(
      "batchNormInference dBeta \(shape)", analytic: dBeta, at: beta, tolerance: 1e-6
    ) { FiniteDifference.projection(forward(x, gamma, $0), onto: dy) }
  }

  /// Normalization uses the BIASED variance: for the channel [1, 3] the mean is 2, the biased
  /// variance 1 (the unbiased would be 2), so with ε = 0 the outputs are exactly ∓1.
  @Test func trainingForwardUsesBiasedVariance() {
    let x = RefTensor(shape: [2, 2], data: [1, 10, 3, 30])
    let (y, stats) = Reference.batchNormTraining(
      x, gamma: [1, 2], beta: [0, 5], epsilon: 0)
    #expect(stats.mean == [2, 20])
    #expect(stats.variance == [1, 100])
    let expected = RefTensor(shape: [2, 2], data: [-1, 3, 1, 7])
    #expect(FiniteDifference.compare(y, expected).worstRelativeError <= 1e-15)
  }

  /// Rank 4 pools N, H and W per channel: both channels normalize to mean β and variance
  /// γ² σ²/(σ² + ε) (to 1e-12).
  @Test func trainingForwardPoolsBatchAndSpace() {
    var random = SeededRandom(seed: 3)
    let x = random.tensor([3, 2, 2, 2], -3, 3)
    let gamma = [1.5, 0.5]
    let beta = [0.25, -1]
    let (y, stats) = Reference.batchNormTraining(x, gamma: gamma, beta: beta, epsilon: 1e-3)
    for c in 0..<2 {
      var values: [Double] = []
      for n in 0..<3 {
        for h in 0..<2 { for w in 0..<2 { values.append(y[n, c, h, w]) } }
      }
      let mean = values.reduce(0, +) / 12
      let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12
      let expected = gamma[c] * gamma[c] * stats.variance[c] / (stats.variance[c] + 1e-3)
      #expect(abs(mean - beta[c]) <= 1e-12)
      #expect(abs(variance - expected) <= 1e-12)
    }
  }

  /// PyTorch's update with momentum 0.1 on the channel [1, 2, 3, 6] (mean 3, biased variance
  /// 3.5, unbiased 14/3) from running mean 0 and variance 1, worked by hand (to 1e-15).
  @Test func runningStatisticsMatchHandComputation() {
    let x = RefTensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 6])
    let stats = Reference.batchNormStatistics(x)
    #expect(stats.mean == [3])
    #expect(stats.variance == [3.5])
    var mean = [0.0]
    var variance = [1.0]
    Reference.updateRunningStatistics(
      mean: &mean, variance: &variance, stats: stats, count: 4, momentum: 0.1)
    #expect(abs(mean[0] - 0.3) <= 1e-15)
    #expect(abs(variance[0] - (0.9 + 0.1 * 14.0 / 3.0)) <= 1e-15)
    // A second step compounds: mean 0.9·0.3 + 0.3, variance 0.9·v + 0.1·14/3.
    Reference.updateRunningStatistics(
      mean: &mean, variance: &variance, stats: stats, count: 4, momentum: 0.1)
    #expect(abs(mean[0] - 0.57) <= 1e-15)
    #expect(abs(variance[0] - (0.9 * (0.9 + 1.4 / 3) + 1.4 / 3)) <= 1e-15)
  }

  /// With the running statistics set to the batch's own (biased) statistics, inference mode
  /// reproduces training mode (to 1e-14).
  @Test func inferenceWithBatchStatisticsEqualsTraining() {
    var random = SeededRandom(seed: 5)
    let x = random.tensor([2, 3, 2, 2])
    let gamma = random.values(3, 0.5, 1.5)
    let beta = random.values(3)
    let (training, stats) = Reference.batchNormTraining(
      x, gamma: gamma, beta: beta, epsilon: 1e-5)
    let inference = Reference.batchNormInference(
      x, gamma: gamma, beta: beta, runningMean: stats.mean, runningVariance: stats.variance,
      epsilon: 1e-5)
    #expect(FiniteDifference.compare(inference, training).worstRelativeError <= 1e-14)
  }
}
