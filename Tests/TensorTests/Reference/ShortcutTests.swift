import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference option-A shortcut")
struct ShortcutTests {
  /// C → 2C with stride 2 (a CIFAR stage boundary): the input's even rows and columns land in
  /// channels C/2 ..< 3C/2, and C/2 zero channels pad each side (exact).
  @Test func doublesChannelsWithCenteredZeros() {
    var random = SeededRandom(seed: 0xA)
    let x = random.tensor([2, 4, 4, 5])
    let y = Reference.shortcutA(x, outChannels: 8, stride: 2, placement: .centered)
    #expect(y.shape == [2, 8, 2, 3])
    for n in 0..<2 {
      for c in 0..<8 {
        for i in 0..<2 {
          for j in 0..<3 {
            let expected = (2..<6).contains(c) ? x[n, c - 2, 2 * i, 2 * j] : 0
            #expect(y[n, c, i, j] == expected)
          }
        }
      }
    }
  }

  /// PyCIL's DownsampleA, `cat((x[:, :, ::2, ::2], 0), 1)`: the zero channels all come after.
  @Test func trailingPlacementMatchesPyCIL() {
    let x = RefTensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
    let y = Reference.shortcutA(x, outChannels: 4, stride: 2, placement: .trailing)
    #expect(y == RefTensor(shape: [1, 4, 1, 1], data: [1, 5, 0, 0]))
    #expect(Reference.shortcutA(x, outChannels: 4, stride: 2) == y, "trailing is the default")
    let centered = Reference.shortcutA(x, outChannels: 4, stride: 2, placement: .centered)
    #expect(centered == RefTensor(shape: [1, 4, 1, 1], data: [0, 1, 5, 0]))
  }

  /// Odd extents keep ceil(H/2) rows, as `x[:, :, ::2, ::2]` and AvgPool2d(1, stride 2).
  @Test func oddExtentsKeepTheLastRow() {
    let x = RefTensor(shape: [1, 1, 3, 1], data: [1, 2, 3])
    #expect(
      Reference.shortcutA(x, outChannels: 1, stride: 2)
        == RefTensor(shape: [1, 1, 2, 1], data: [1, 3]))
  }

  /// Stride 1 with as many channels out as in is the identity, forward and backward (exact).
  @Test func strideOneSameChannelsIsIdentity() {
    var random = SeededRandom(seed: 0xB)
    let x = random.tensor([2, 3, 3, 2])
    #expect(Reference.shortcutA(x, outChannels: 3, stride: 1) == x)
    let dy = random.tensor(x.shape)
    #expect(Reference.shortcutABackward(dy: dy, inputShape: x.shape, stride: 1) == dy)
  }

  /// One configuration of the shortcut gradient check.
  struct Case: Sendable, CustomTestStringConvertible {
    var stride: Int
    var extraPerSide: Int
    var placement: Reference.ShortcutAPlacement

    var testDescription: String { "stride \(stride), +\(extraPerSide)/side, \(placement)" }
  }

  /// dx against central differences, for C → 2C stride 2 (both placements) and for stride 1
  /// with added channels; tolerance 1e-8 (the op is linear).
  @Test(arguments: [
    Case(stride: 2, extraPerSide: 2, placement: .centered),
    Case(stride: 2, extraPerSide: 2, placement: .trailing),
    Case(stride: 1, extraPerSide: 1, placement: .centered),
  ])
  func backwardMatchesFiniteDifferences(_ c: Case) {
    var random = SeededRandom(seed: 0xC)
    let x = random.tensor([2, 4, 5, 4])
    let outChannels = 4 + 2 * c.extraPerSide
    let (stride, placement) = (c.stride, c.placement)
    let y = Reference.shortcutA(x, outChannels: outChannels, stride: stride, placement: placement)
    let dy = random.tensor(y.shape)
    let dx = Reference.shortcutABackward(
      dy: dy, inputShape: x.shape, stride: stride, placement: placement)
    FiniteDifference.check(
      "shortcutA dx, \(c.testDescription)", analytic: dx, at: x, tolerance: 1e-8
    ) {
      FiniteDifference.projection(
        Reference.shortcutA($0, outChannels: outChannels, stride: stride, placement: placement),
        onto: dy)
    }
  }
}
