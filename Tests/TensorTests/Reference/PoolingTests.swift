import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference pooling")
struct PoolingTests {
  /// 3×3 stride-2 padding-1 max pool (the ImageNet ResNet stem) on distinct values spaced 0.01
  /// apart, so no step of 1e-6 changes a window's winner; tolerance 1e-8 (piecewise linear).
  @Test(arguments: [[2, 2, 5, 6], [1, 2, 4, 4]])
  func maxPoolBackwardMatchesFiniteDifferences(shape: [Int]) {
    var random = SeededRandom(seed: 0x9001)
    let x = random.distinctTensor(shape)
    let y = Reference.maxPool2d(x, kernel: 3, stride: 2, padding: 1)
    let dy = random.tensor(y.shape)
    let dx = Reference.maxPool2dBackward(x, dy: dy, kernel: 3, stride: 2, padding: 1)
    FiniteDifference.check(
      "maxPool2d 3x3/2 pad 1 dx \(shape)", analytic: dx, at: x, tolerance: 1e-8
    ) {
      FiniteDifference.projection(
        Reference.maxPool2d($0, kernel: 3, stride: 2, padding: 1), onto: dy)
    }
  }

  /// A 2×2 stride-2 pool worked by hand, and its gradient routed to each winner (exact).
  @Test func maxPoolMatchesHandComputation() {
    let x = RefTensor(
      shape: [1, 1, 4, 4],
      data: [
        1, 5, 2, 0,
        3, 4, 8, 6,
        -1, -2, 7, 9,
        -4, -3, 9.5, 1,
      ])
    let y = Reference.maxPool2d(x, kernel: 2, stride: 2, padding: 0)
    #expect(y == RefTensor(shape: [1, 1, 2, 2], data: [5, 8, -1, 9.5]))
    let dy = RefTensor(shape: [1, 1, 2, 2], data: [10, 20, 30, 40])
    let dx = Reference.maxPool2dBackward(x, dy: dy, kernel: 2, stride: 2, padding: 0)
    var expected = RefTensor(zeros: [1, 1, 4, 4])
    expected[0, 0, 0, 1] = 10
    expected[0, 0, 1, 2] = 20
    expected[0, 0, 2, 0] = 30
    expected[0, 0, 3, 2] = 40
    #expect(dx == expected)
  }

  /// Padding is −∞, not 0: on an all-negative input every output is a real (negative) input.
  @Test func paddingIsNegativeInfinity() {
    let x = RefTensor(shape: [1, 1, 3, 3], data: (1...9).map { -Double($0) })
    let y = Reference.maxPool2d(x, kernel: 3, stride: 2, padding: 1)
    #expect(y == RefTensor(shape: [1, 1, 2, 2], data: [-1, -2, -4, -5]))
  }

  /// Ties: the first maximum in row-major window order gets the whole gradient, as PyTorch.
  @Test func tiesGoToTheFirstMaximum() {
    let x = RefTensor(shape: [1, 1, 2, 2], data: [1, 3, 3, 3])
    let dy = RefTensor(shape: [1, 1, 1, 1], data: [1])
    let dx = Reference.maxPool2dBackward(x, dy: dy, kernel: 2, stride: 2, padding: 0)
    #expect(dx == RefTensor(shape: [1, 1, 2, 2], data: [0, 1, 0, 0]))
  }

  /// Overlapping windows add their gradients into a shared winner (exact).
  @Test func overlappingWindowsAccumulate() {
    // 3×3/2 pad 1 on a 3×3 map whose centre is the maximum: all four windows pick it.
    let x = RefTensor(shape: [1, 1, 3, 3], data: [0, 0, 0, 0, 1, 0, 0, 0, 0])
    let dy = RefTensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
    let dx = Reference.maxPool2dBackward(x, dy: dy, kernel: 3, stride: 2, padding: 1)
    #expect(dx[0, 0, 1, 1] == 10)
    #expect(dx.data.reduce(0, +) == 10)
  }

  @Test func globalAveragePoolMatchesHandComputation() {
    let x = RefTensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 6, -1, -1, -1, 7])
    #expect(Reference.globalAveragePool(x) == RefTensor(shape: [1, 2], data: [3, 1]))
    let dy = RefTensor(shape: [1, 2], data: [4, -8])
    #expect(
      Reference.globalAveragePoolBackward(dy: dy, inputShape: x.shape)
        == RefTensor(shape: [1, 2, 2, 2], data: [1, 1, 1, 1, -2, -2, -2, -2]))
  }

  /// dx against central differences on a non-square map; tolerance 1e-8 (the op is linear).
  @Test func globalAveragePoolBackwardMatchesFiniteDifferences() {
    var random = SeededRandom(seed: 0x6A9)
    let x = random.tensor([2, 3, 3, 4])
    let dy = random.tensor([2, 3])
    let dx = Reference.globalAveragePoolBackward(dy: dy, inputShape: x.shape)
    FiniteDifference.check("globalAveragePool dx", analytic: dx, at: x, tolerance: 1e-8) {
      FiniteDifference.projection(Reference.globalAveragePool($0), onto: dy)
    }
  }
}
