import Tensor
@testable import NN
@testable import TensorReference

extension ReferenceNetwork {
  /// relu(main + shortcut(x)), main = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))):
  /// 1×1 in → width, 3×3 width → width with the stride, 1×1 width → 4·width (He et al. 2016,
  /// Fig. 5 right, the stride on the 3×3 as torchvision). Shortcut as `Block`: identity when the shape is kept,
  /// else option A or B.
  struct Bottleneck {
    let prefix: String
    let inChannels: Int
    let width: Int
    let stride: Int
    let skip: Block.Skip
    /// Running statistics by buffer name: eval mode when set, training mode when nil.
    var running: [String: [Double]]?

    var outChannels: Int { 4 * width }

    init(prefix: String, inChannels: Int, width: Int, stride: Int, kind: ShortcutKind) {
      self.prefix = prefix
      self.inChannels = inChannels
      self.width = width
      self.stride = stride
      if inChannels == 4 * width && stride == 1 {
        skip = .identity
      } else {
        skip = kind == .zeroPadding ? .zeroPadding : .projection
      }
    }

    func name(_ s: String) -> String { ReferenceNetwork.join(prefix, s) }

    struct Tape {
      var x: RefTensor
      var c1: RefTensor, n1: RefTensor, a1: RefTensor
      var c2: RefTensor, n2: RefTensor, a2: RefTensor
      var c3: RefTensor
      var sum: RefTensor
      var projected: RefTensor?
    }

    func forward(_ x: RefTensor, _ p: [String: RefTensor],
                 _ records: inout [BatchNormRecord]) -> (y: RefTensor, tape: Tape)
    {
      let c1 = Reference.conv2d(x, weight: p[name("conv1.weight")]!, stride: 1, padding: 0)
      let n1 = batchNorm(c1, name("bn1"), p, &records, running: running)
      let a1 = Reference.relu(n1)
      let c2 = Reference.conv2d(a1, weight: p[name("conv2.weight")]!, stride: stride, padding: 1)
      let n2 = batchNorm(c2, name("bn2"), p, &records, running: running)
      let a2 = Reference.relu(n2)
      let c3 = Reference.conv2d(a2, weight: p[name("conv3.weight")]!, stride: 1, padding: 0)
      let n3 = batchNorm(c3, name("bn3"), p, &records, running: running)
      let (skipped, projected) = skipForward(x, p, &records)
      let sum = Reference.add(n3, skipped)
      return (Reference.relu(sum), Tape(x: x, c1: c1, n1: n1, a1: a1, c2: c2, n2: n2, a2: a2,
                                        c3: c3, sum: sum, projected: projected))
    }

    func backward(_ dy: RefTensor, _ tape: Tape, _ p: [String: RefTensor],
                  _ grads: inout [String: RefTensor]) -> RefTensor
    {
      let dSum = Reference.reluBackward(tape.sum, dy: dy)
      let (dMain, dSkip) = Reference.addBackward(dy: dSum)
      let dC3 = batchNormBackward(tape.c3, name("bn3"), dMain, p, &grads, running: running)
      let dA2 = convBackward(tape.a2, name("conv3"), dC3, stride: 1, padding: 0, p, &grads)
      let dC2 = batchNormBackward(tape.c2, name("bn2"), Reference.reluBackward(tape.n2, dy: dA2),
                                  p, &grads, running: running)
      let dA1 = convBackward(tape.a1, name("conv2"), dC2, stride: stride, padding: 1, p, &grads)
      let dC1 = batchNormBackward(tape.c1, name("bn1"), Reference.reluBackward(tape.n1, dy: dA1),
                                  p, &grads, running: running)
      let dxMain = convBackward(tape.x, name("conv1"), dC1, stride: 1, padding: 0, p, &grads)
      let dxSkip = skipBackward(dSkip, x: tape.x, projected: tape.projected, p, &grads)
      return Reference.add(dxMain, dxSkip)
    }
  }
}
