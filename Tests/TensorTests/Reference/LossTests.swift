import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite("Reference losses")
struct LossTests {
  // MARK: Cross-entropy

  /// A 2×3 example by hand: both rows are (up to a shift) the logits 1, 2, 3 with the label on
  /// the largest, so each row's loss is log(1 + e⁻¹ + e⁻²) (to 1e-15).
  @Test func crossEntropyMatchesHandValue() {
    let logits = RefTensor(shape: [2, 3], data: [1, 2, 3, 1, 0, -1])
    let loss = Reference.softmaxCrossEntropy(logits: logits, labels: [2, 0], classes: 0..<3)
    #expect(abs(loss - log(1 + exp(-1) + exp(-2))) <= 1e-15)
    // Gradient by hand: (softmax − one-hot) / N, softmax = (e⁻², e⁻¹, 1)/S for row 0 and
    // (1, e⁻¹, e⁻²)/S for row 1.
    let s = 1 + exp(-1.0) + exp(-2.0)
    let expected = RefTensor(
      shape: [2, 3],
      data: [
        exp(-2) / s / 2, exp(-1) / s / 2, (1 / s - 1) / 2,
        (1 / s - 1) / 2, exp(-1) / s / 2, exp(-2) / s / 2,
      ])
    let gradient = Reference.softmaxCrossEntropyBackward(
      logits: logits, labels: [2, 0], classes: 0..<3)
    #expect(FiniteDifference.compare(gradient, expected).worstRelativeError <= 1e-15)
  }

  /// Large logits go through log-sum-exp without overflow: shifting every logit by ±1000 leaves
  /// the loss unchanged (to 1e-12).
  @Test func crossEntropyIsStableForLargeLogits() {
    for shift in [1000.0, -1000.0] {
      let logits = RefTensor(shape: [1, 3], data: [1 + shift, 2 + shift, 3 + shift])
      let loss = Reference.softmaxCrossEntropy(logits: logits, labels: [2], classes: 0..<3)
      #expect(abs(loss - log(1 + exp(-1) + exp(-2))) <= 1e-12)
      let gradient = Reference.softmaxCrossEntropyBackward(
        logits: logits, labels: [2], classes: 0..<3)
      #expect(gradient.data.allSatisfy { $0.isFinite })
    }
  }

  /// The gradient against central differences, over all classes and over a slice; tolerance
  /// 1e-6.
  @Test(arguments: [0..<6, 2..<5])
  func crossEntropyBackwardMatchesFiniteDifferences(classes: Range<Int>) {
    var random = SeededRandom(seed: 0xCE)
    let logits = random.tensor([4, 6], -3, 3)
    let labels = (0..<4).map { _ in classes.lowerBound + random.integer(below: classes.count) }
    let gradient = Reference.softmaxCrossEntropyBackward(
      logits: logits, labels: labels, classes: classes)
    FiniteDifference.check(
      "softmaxCrossEntropy dLogits classes \(classes)", analytic: gradient, at: logits,
      tolerance: 1e-6
    ) { Reference.softmaxCrossEntropy(logits: $0, labels: labels, classes: classes) }
  }

  /// On a slice, the columns outside it get exactly zero gradient, and the loss equals the
  /// cross-entropy of the sliced logits with labels shifted into the slice (to 1e-15).
  @Test func crossEntropyOnASliceIgnoresOtherColumns() {
    var random = SeededRandom(seed: 0xCF)
    let logits = random.tensor([3, 6], -3, 3)
    let labels = [2, 4, 3]
    let classes = 2..<5
    let gradient = Reference.softmaxCrossEntropyBackward(
      logits: logits, labels: labels, classes: classes)
    for n in 0..<3 {
      for k in 0..<6 where !classes.contains(k) { #expect(gradient[n, k] == 0) }
      // Inside the slice each row's gradient sums to zero.
      let rowSum = classes.map { gradient[n, $0] }.reduce(0, +)
      #expect(abs(rowSum) <= 1e-15)
    }
    var sliced = RefTensor(zeros: [3, 3])
    for n in 0..<3 { for k in 0..<3 { sliced[n, k] = logits[n, k + 2] } }
    let expected = Reference.softmaxCrossEntropy(
      logits: sliced, labels: labels.map { $0 - 2 }, classes: 0..<3)
    let loss = Reference.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes)
    #expect(abs(loss - expected) <= 1e-15)
  }

  // MARK: Distillation

  /// Two rows by hand with T = 2: row 0 has softmax(t/T) = (1/4, 3/4) and
  /// softmax(z/T) = (1/3, 2/3), so its loss is −(¼ log ⅓ + ¾ log ⅔) = log 3 − ¾ log 2; row 1
  /// has equal logits and targets (1, 1), loss log 2. No T² factor (to 1e-15).
  @Test func distillationMatchesHandValue() {
    let t = 2.0
    let logits = RefTensor(shape: [2, 2], data: [0, t * log(2), 1, 1])
    let targets = RefTensor(shape: [2, 2], data: [0, t * log(3), 1, 1])
    let loss = Reference.distillation(logits: logits, targets: targets, temperature: t)
    let expected = ((log(3) - 0.75 * log(2)) + log(2)) / 2
    #expect(abs(loss - expected) <= 1e-15)
    // Gradient (softmax(z/T) − softmax(t/T)) / (N T): row 0 (1/3 − 1/4, 2/3 − 3/4)/4, row 1 0.
    let gradient = Reference.distillationBackward(logits: logits, targets: targets, temperature: t)
    let expectedGradient = RefTensor(shape: [2, 2], data: [1.0 / 48, -1.0 / 48, 0, 0])
    #expect(FiniteDifference.compare(gradient, expectedGradient).worstRelativeError <= 1e-15)
  }

  /// The gradient with respect to the logits against central differences, at T = 1 and T = 2;
  /// tolerance 1e-6.
  @Test(arguments: [1.0, 2.0])
  func distillationBackwardMatchesFiniteDifferences(temperature: Double) {
    var random = SeededRandom(seed: 0xD1)
    let logits = random.tensor([3, 5], -3, 3)
    let targets = random.tensor([3, 5], -3, 3)
    let gradient = Reference.distillationBackward(
      logits: logits, targets: targets, temperature: temperature)
    FiniteDifference.check(
      "distillation dLogits T=\(temperature)", analytic: gradient, at: logits, tolerance: 1e-6
    ) { Reference.distillation(logits: $0, targets: targets, temperature: temperature) }
  }
}
