import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference conv2d")
struct ConvolutionTests {
  /// One convolution configuration of the gradient check.
  struct Case: Sendable, CustomTestStringConvertible {
    var input: [Int]
    var weight: [Int]
    var stride: Int
    var padding: Int

    var testDescription: String {
      "x \(input) w \(weight) stride \(stride) padding \(padding)"
    }
  }

  // Non-square inputs catch a swapped H/W; odd extents exercise the floor in the output size.
  static let cases: [Case] = [
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: 1),  // 3×3, CIFAR body
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 2, padding: 1),  // 3×3, downsampling
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: 0),
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 2, padding: 0),
    Case(input: [2, 3, 4, 5], weight: [4, 3, 1, 1], stride: 1, padding: 0),  // 1×1
    Case(input: [2, 3, 5, 5], weight: [4, 3, 1, 1], stride: 2, padding: 0),  // 1×1 projection
    Case(input: [2, 3, 4, 5], weight: [2, 3, 1, 1], stride: 1, padding: 1),  // 1×1 with padding
    Case(input: [1, 2, 4, 5], weight: [3, 2, 1, 3], stride: 1, padding: 1),  // non-square kernel
  ]

  /// dx and dW against central differences of L = Σ dy ⊙ conv2d(x, w); tolerance 1e-6.
  @Test(arguments: cases)
  func backwardMatchesFiniteDifferences(_ c: Case) {
    var random = SeededRandom(seed: 0xC0DE)
    let x = random.tensor(c.input)
    let w = random.tensor(c.weight)
    let y = Reference.conv2d(x, weight: w, stride: c.stride, padding: c.padding)
    let dy = random.tensor(y.shape)
    let (dx, dW) = Reference.conv2dBackward(
      x, weight: w, dy: dy, stride: c.stride, padding: c.padding)
    FiniteDifference.check("conv2d dx, \(c.testDescription)", analytic: dx, at: x, tolerance: 1e-6)
    {
      FiniteDifference.projection(
        Reference.conv2d($0, weight: w, stride: c.stride, padding: c.padding), onto: dy)
    }
    FiniteDifference.check("conv2d dW, \(c.testDescription)", analytic: dW, at: w, tolerance: 1e-6)
    {
      FiniteDifference.projection(
        Reference.conv2d(x, weight: $0, stride: c.stride, padding: c.padding), onto: dy)
    }
  }

  /// A 3×3 image and a 2×2 kernel, worked by hand (exact).
  @Test func forwardMatchesHandComputation() {
    let x = RefTensor(shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let w = RefTensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
    // No padding: y[i, j] = x[i, j] + 2 x[i, j+1] + 3 x[i+1, j] + 4 x[i+1, j+1].
    let plain = Reference.conv2d(x, weight: w, stride: 1, padding: 0)
    #expect(plain == RefTensor(shape: [1, 1, 2, 2], data: [37, 47, 67, 77]))
    // Padding 1, stride 2: windows start at rows/columns −1 and 1; e.g. the first window sees
    // only x[0, 0] = 1, under w[1, 1] = 4.
    let strided = Reference.conv2d(x, weight: w, stride: 2, padding: 1)
    #expect(strided == RefTensor(shape: [1, 1, 2, 2], data: [4, 18, 36, 77]))
  }

  /// Input channels add up, output channels are independent (exact).
  @Test func channelsMatchHandComputation() {
    // Two 1×1 input channels, two output channels.
    let x = RefTensor(shape: [1, 2, 1, 1], data: [2, 3])
    let w = RefTensor(shape: [2, 2, 1, 1], data: [1, 10, -1, 100])
    let y = Reference.conv2d(x, weight: w, stride: 1, padding: 0)
    #expect(y == RefTensor(shape: [1, 2, 1, 1], data: [32, 298]))
  }

  /// A 1×1 convolution is a linear layer applied at every pixel (agreement to 1e-14).
  @Test func pointwiseConvolutionIsPerPixelLinear() {
    var random = SeededRandom(seed: 7)
    let x = random.tensor([2, 3, 2, 3])
    let w = random.tensor([4, 3, 1, 1])
    let y = Reference.conv2d(x, weight: w, stride: 1, padding: 0)
    let matrix = RefTensor(shape: [4, 3], data: w.data)
    for n in 0..<2 {
      for h in 0..<2 {
        for col in 0..<3 {
          let pixel = RefTensor(shape: [1, 3], data: (0..<3).map { x[n, $0, h, col] })
          let expected = Reference.linear(pixel, weight: matrix, bias: [0, 0, 0, 0])
          for o in 0..<4 { #expect(abs(y[n, o, h, col] - expected[0, o]) <= 1e-14) }
        }
      }
    }
  }

  /// Output extents as PyTorch's formula floor((H + 2p − k)/s) + 1.
  @Test func outputExtents() {
    #expect(Reference.windowOutputExtent(input: 32, kernel: 3, stride: 1, padding: 1) == 32)
    #expect(Reference.windowOutputExtent(input: 32, kernel: 3, stride: 2, padding: 1) == 16)
    #expect(Reference.windowOutputExtent(input: 224, kernel: 7, stride: 2, padding: 3) == 112)
    #expect(Reference.windowOutputExtent(input: 112, kernel: 3, stride: 2, padding: 1) == 56)
    #expect(Reference.windowOutputExtent(input: 5, kernel: 3, stride: 2, padding: 0) == 2)
    let y = Reference.conv2d(
      RefTensor(zeros: [1, 1, 5, 6]), weight: RefTensor(zeros: [2, 1, 3, 3]), stride: 2, padding: 1)
    #expect(y.shape == [1, 2, 3, 3])
  }
}
