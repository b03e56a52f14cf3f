import DNNL
import StrataTestSupport
import Testing
@testable import Tensor
@testable import TensorReference

@Suite struct ElementwiseEngineTests {
  static let layouts: [FormatTag?] = [nil, .nChw8c, .nChw16c]

  @Test(arguments: layouts)
  func reluMatchesReference(layout: FormatTag?) throws {
    var random = SeededRandom(seed: 3)
    let x = random.tensorAwayFromZero([2, 16, 3, 3]), dy = random.tensor(x.shape)
    let context = EngineCheck.context
    let relu = ReLU()
    let xt = try EngineCheck.tensor(x, layout: layout)
    let y = try relu.forward(xt, context: context)
    try EngineCheck.expectClose(y, Reference.relu(x), "relu")
    let dxRef = Reference.reluBackward(x, dy: dy)
    let dyt = try EngineCheck.tensor(dy, layout: layout)
    try EngineCheck.expectClose(try relu.backward(dyt, input: xt, context: context), dxRef,
                                "relu backward from input")
    try EngineCheck.expectClose(try relu.backward(dyt, output: y, context: context), dxRef,
                                "relu backward from output")
  }

  @Test(arguments: layouts, [false, true])
  func residualAddMatchesReference(layout: FormatTag?, fusesReLU: Bool) throws {
    var random = SeededRandom(seed: 4)
    let a = random.tensor([2, 16, 3, 3]), b = random.tensor(a.shape), dy = random.tensor(a.shape)
    var yRef = Reference.add(a, b)
    var dRef = dy
    if fusesReLU {
      dRef = Reference.reluBackward(yRef, dy: dy)
      yRef = Reference.relu(yRef)
    }
    let context = EngineCheck.context
    let add = ResidualAdd(fusesReLU: fusesReLU)
    // The second operand arrives plain to check the add conforms it to the first one's layout.
    let y = try add.forward(try EngineCheck.tensor(a, layout: layout), try EngineCheck.tensor(b),
                            context: context)
    try EngineCheck.expectClose(y, yRef, "add")
    let d = try add.backward(try EngineCheck.tensor(dy, layout: layout), output: y, context: context)
    try EngineCheck.expectClose(d, dRef, "add backward")
  }

  struct ShortcutCase: Sendable {
    let c, o, stride, size: Int
    let layout: FormatTag?
    var placement = ShortcutA.Placement.trailing
  }

  @Test(arguments: [
    ShortcutCase(c: 16, o: 32, stride: 2, size: 8, layout: .nChw8c),   // PyCIL, blocks of 8
    ShortcutCase(c: 32, o: 64, stride: 2, size: 5, layout: .nChw16c),  // odd size, blocks of 16
    ShortcutCase(c: 16, o: 32, stride: 2, size: 8, layout: .nChw8c, placement: .centered),
    ShortcutCase(c: 16, o: 32, stride: 2, size: 6, layout: .nChw16c, placement: .centered),
    ShortcutCase(c: 6, o: 10, stride: 2, size: 7, layout: nil),        // plain
    ShortcutCase(c: 16, o: 32, stride: 2, size: 7, layout: .nhwc),     // channels last
    ShortcutCase(c: 8, o: 16, stride: 2, size: 4, layout: .nhwc, placement: .centered),
    ShortcutCase(c: 8, o: 8, stride: 1, size: 4, layout: .nChw8c),     // identity
  ])
  func shortcutAMatchesReference(_ k: ShortcutCase) throws {
    var random = SeededRandom(seed: 9)
    // Inputs exactly representable in Float32: a copy-only op must then match to the bit.
    let x = EngineCheck.float32(random.tensor([2, k.c, k.size, k.size]))
    let yRef = Reference.shortcutA(x, outChannels: k.o, stride: k.stride, placement: k.placement)
    let dy = EngineCheck.float32(random.tensor(yRef.shape))
    let dxRef = Reference.shortcutABackward(dy: dy, inputShape: x.shape, stride: k.stride,
                                            placement: k.placement)
    let context = EngineCheck.context
    let shortcut = ShortcutA(inChannels: k.c, outChannels: k.o, stride: k.stride,
                             placement: k.placement)
    let xt = try EngineCheck.tensor(x, layout: k.layout)
    let y = try shortcut.forward(xt, context: context)
    try EngineCheck.expectClose(y, yRef, tolerance: 0, "shortcut")
    let dx = try shortcut.backward(try EngineCheck.tensor(dy, layout: k.layout),
                                   inputShape: x.shape, inputLayout: xt.descriptor,
                                   context: context)
    try EngineCheck.expectClose(dx, dxRef, tolerance: 0, "shortcut backward")
  }
}
