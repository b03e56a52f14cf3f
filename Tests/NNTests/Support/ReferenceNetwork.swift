import Tensor
import Testing
@testable import NN
@testable import TensorReference

/// Float64 compositions of Strata's modules from the `Reference` ops, with parameters looked up
/// by the same dotted names as the engine's (`stage2.block1.conv1.weight`), so the engine's
/// values can be copied in and gradients compared name by name.
///
/// Written from the definitions (He et al. 2016, Fig. 2; PyTorch's BatchNorm2d in training mode),
/// not from the engine's code: forward, then the chain of reference backwards by hand.
enum ReferenceNetwork {
  static let epsilon = 1e-5
  static let momentum = 0.1

  /// One batch norm's batch statistics, for the running-statistics check.
  struct BatchNormRecord {
    /// The batch norm's dotted name, e.g. `stage2.block1.bn1`.
    var name: String
    var stats: Reference.BatchNormStats
    /// Values per channel (N·H·W): Bessel's correction of the running variance.
    var count: Int
  }

  /// Names below `prefix`.
  static func join(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : "\(prefix).\(name)"
  }

  // MARK: Batch norm and convolution with parameters by name

  /// Batch norm `name` in training mode (batch statistics, recorded for the running-statistics
  /// check), or in eval mode with the running statistics in `running` when it is given.
  static func batchNorm(_ x: RefTensor, _ name: String, _ p: [String: RefTensor],
                        _ records: inout [BatchNormRecord],
                        running: [String: [Double]]? = nil) -> RefTensor
  {
    let (gamma, beta) = (p["\(name).weight"]!.data, p["\(name).bias"]!.data)
    if let running {
      return Reference.batchNormInference(
        x, gamma: gamma, beta: beta, runningMean: running["\(name).running_mean"]!,
        runningVariance: running["\(name).running_var"]!, epsilon: epsilon)
    }
    let (y, stats) = Reference.batchNormTraining(x, gamma: gamma, beta: beta, epsilon: epsilon)
    records.append(BatchNormRecord(name: name, stats: stats,
                                   count: x.shape[0] * x.shape[2] * x.shape[3]))
    return y
  }

  static func batchNormBackward(_ x: RefTensor, _ name: String, _ dy: RefTensor,
                                _ p: [String: RefTensor], _ grads: inout [String: RefTensor],
                                running: [String: [Double]]? = nil) -> RefTensor
  {
    let gamma = p["\(name).weight"]!.data
    let r = running.map {
      Reference.batchNormInferenceBackward(
        x, gamma: gamma, runningMean: $0["\(name).running_mean"]!,
        runningVariance: $0["\(name).running_var"]!, dy: dy, epsilon: epsilon)
    } ?? Reference.batchNormTrainingBackward(x, gamma: gamma, dy: dy, epsilon: epsilon)
    grads["\(name).weight"] = RefTensor(shape: [r.dGamma.count], data: r.dGamma)
    grads["\(name).bias"] = RefTensor(shape: [r.dBeta.count], data: r.dBeta)
    return r.dx
  }

  static func convBackward(_ x: RefTensor, _ name: String, _ dy: RefTensor, stride: Int,
                           padding: Int, _ p: [String: RefTensor],
                           _ grads: inout [String: RefTensor]) -> RefTensor
  {
    let r = Reference.conv2dBackward(x, weight: p["\(name).weight"]!, dy: dy, stride: stride,
                                     padding: padding)
    grads["\(name).weight"] = r.dWeight
    return r.dx
  }

  /// The running statistics after one training forward, from `initial` buffers (by name) and
  /// the batch statistics: PyTorch's rule, momentum 0.1, unbiased variance.
  static func runningStatistics(initial: [String: [Double]], records: [BatchNormRecord])
    -> [String: [Double]]
  {
    var result = initial
    for record in records {
      var mean = initial["\(record.name).running_mean"]!
      var variance = initial["\(record.name).running_var"]!
      Reference.updateRunningStatistics(mean: &mean, variance: &variance, stats: record.stats,
                                        count: record.count, momentum: momentum)
      result["\(record.name).running_mean"] = mean
      result["\(record.name).running_var"] = variance
    }
    return result
  }

  // MARK: BasicBlock

  /// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), conv1 with the stride; the shortcut
  /// is the identity when the shape is kept, else option A (subsample, zero channels after)
  /// or option B (1×1 conv with stride + BN).
  struct Block {
    enum Skip { case identity, zeroPadding, projection }

    let prefix: String
    let inChannels: Int
    let outChannels: Int
    let stride: Int
    let skip: Skip
    /// Running statistics by buffer name: when set, every batch norm runs in eval mode with
    /// them (a frozen MEMO branch); when nil, in training mode.
    var running: [String: [Double]]?

    init(prefix: String, inChannels: Int, outChannels: Int, stride: Int, kind: ShortcutKind) {
      self.prefix = prefix
      self.inChannels = inChannels
      self.outChannels = outChannels
      self.stride = stride
      if inChannels == outChannels && stride == 1 {
        skip = .identity
      } else {
        skip = kind == .zeroPadding ? .zeroPadding : .projection
      }
    }

    func name(_ s: String) -> String { ReferenceNetwork.join(prefix, s) }

    /// What the backward needs.
    struct Tape {
      var x: RefTensor
      var c1: RefTensor
      var n1: RefTensor
      var a1: RefTensor
      var c2: RefTensor
      var sum: RefTensor
      /// Option B's convolution output (the input of its batch norm).
      var projected: RefTensor?
    }

    func forward(_ x: RefTensor, _ p: [String: RefTensor],
                 _ records: inout [BatchNormRecord]) -> (y: RefTensor, tape: Tape)
    {
      let c1 = Reference.conv2d(x, weight: p[name("conv1.weight")]!, stride: stride, padding: 1)
      let n1 = batchNorm(c1, name("bn1"), p, &records, running: running)
      let a1 = Reference.relu(n1)
      let c2 = Reference.conv2d(a1, weight: p[name("conv2.weight")]!, stride: 1, padding: 1)
      let n2 = batchNorm(c2, name("bn2"), p, &records, running: running)
      let (skipped, projected) = skipForward(x, p, &records)
      let sum = Reference.add(n2, skipped)
      return (Reference.relu(sum),
              Tape(x: x, c1: c1, n1: n1, a1: a1, c2: c2, sum: sum, projected: projected))
    }

    /// dL/dx; the parameter gradients go into `grads` by name.
    func backward(_ dy: RefTensor, _ tape: Tape, _ p: [String: RefTensor],
                  _ grads: inout [String: RefTensor]) -> RefTensor
    {
      let dSum = Reference.reluBackward(tape.sum, dy: dy)
      let (dMain, dSkip) = Reference.addBackward(dy: dSum)
      let dC2 = batchNormBackward(tape.c2, name("bn2"), dMain, p, &grads,
                                  running: running)
      let dA1 = convBackward(tape.a1, name("conv2"), dC2, stride: 1, padding: 1, p, &grads)
      let dC1 = batchNormBackward(tape.c1, name("bn1"), Reference.reluBackward(tape.n1, dy: dA1),
                                  p, &grads, running: running)
      let dxMain = convBackward(tape.x, name("conv1"), dC1, stride: stride, padding: 1, p,
                                &grads)
      let dxSkip = skipBackward(dSkip, x: tape.x, projected: tape.projected, p, &grads)
      return Reference.add(dxMain, dxSkip)
    }
  }

  // MARK: CIFAR ResNet

  /// stem (3×3 conv, BN, relu) → residual blocks → global average pooling → linear head →
  /// mean softmax cross-entropy over all classes.
  struct ResNet {
    let blocks: [Block]

    /// The blocks of `architecture`, derived from the stage list (not from the engine's
    /// `ResNet`), named `stage<s>.block<b>`.
    init(_ architecture: ResNetArchitecture) {
      precondition(architecture.stem == .cifar, "the reference ResNet has the CIFAR stem only")
      var blocks: [Block] = []
      var channels = architecture.stemWidth
      for (s, stage) in architecture.stages.enumerated() {
        for b in 0..<stage.blocks {
          blocks.append(Block(prefix: "stage\(s + 1).block\(b + 1)", inChannels: channels,
                              outChannels: stage.width, stride: b == 0 ? stage.stride : 1,
                              kind: architecture.shortcut))
          channels = stage.width
        }
      }
      self.blocks = blocks
    }

    struct Tape {
      var x: RefTensor
      var stemConv: RefTensor
      var stemNorm: RefTensor
      var blocks: [Block.Tape]
      var lastMap: RefTensor
      var features: RefTensor
      var logits: RefTensor
    }

    func forward(_ x: RefTensor, _ p: [String: RefTensor])
      -> (logits: RefTensor, tape: Tape, records: [BatchNormRecord])
    {
      var records: [BatchNormRecord] = []
      let stemConv = Reference.conv2d(x, weight: p["stem.conv.weight"]!, stride: 1, padding: 1)
      let stemNorm = batchNorm(stemConv, "stem.bn", p, &records)
      var h = Reference.relu(stemNorm)
      var tapes: [Block.Tape] = []
      for block in blocks {
        let (y, tape) = block.forward(h, p, &records)
        tapes.append(tape)
        h = y
      }
      let features = Reference.globalAveragePool(h)
      let logits = Reference.linear(features, weight: p["head.weight"]!,
                                    bias: p["head.bias"]!.data)
      return (logits, Tape(x: x, stemConv: stemConv, stemNorm: stemNorm, blocks: tapes,
                           lastMap: h, features: features, logits: logits), records)
    }

    func loss(_ x: RefTensor, labels: [Int], _ p: [String: RefTensor]) -> Double {
      let logits = forward(x, p).logits
      return Reference.softmaxCrossEntropy(logits: logits, labels: labels,
                                           classes: 0..<logits.shape[1])
    }

    /// Loss, every parameter gradient by name, and the batch-norm records of the forward.
    func gradients(_ x: RefTensor, labels: [Int], _ p: [String: RefTensor])
      -> (loss: Double, grads: [String: RefTensor], records: [BatchNormRecord], logits: RefTensor)
    {
      let (logits, tape, records) = forward(x, p)
      let classes = 0..<logits.shape[1]
      let loss = Reference.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes)
      var grads: [String: RefTensor] = [:]
      let dLogits = Reference.softmaxCrossEntropyBackward(logits: logits, labels: labels,
                                                          classes: classes)
      let head = Reference.linearBackward(tape.features, weight: p["head.weight"]!, dy: dLogits)
      grads["head.weight"] = head.dWeight
      grads["head.bias"] = RefTensor(shape: [head.dBias.count], data: head.dBias)
      var g = Reference.globalAveragePoolBackward(dy: head.dx, inputShape: tape.lastMap.shape)
      for (block, blockTape) in zip(blocks, tape.blocks).reversed() {
        g = block.backward(g, blockTape, p, &grads)
      }
      let dStemNorm = Reference.reluBackward(tape.stemNorm, dy: g)
      let dStemConv = batchNormBackward(tape.stemConv, "stem.bn", dStemNorm, p, &grads)
      _ = convBackward(tape.x, "stem.conv", dStemConv, stride: 1, padding: 1, p, &grads)
      return (loss, grads, records, logits)
    }
  }
}

/// What `Block` and `Bottleneck` share: a skip path and the forward/backward signatures that
/// the finite-difference checks drive.
protocol ReferenceResidualBlock {
  associatedtype Tape
  var prefix: String { get }
  var outChannels: Int { get }
  var stride: Int { get }
  var skip: ReferenceNetwork.Block.Skip { get }
  var running: [String: [Double]]? { get }
  func forward(_ x: RefTensor, _ p: [String: RefTensor],
               _ records: inout [ReferenceNetwork.BatchNormRecord]) -> (y: RefTensor, tape: Tape)
  func backward(_ dy: RefTensor, _ tape: Tape, _ p: [String: RefTensor],
                _ grads: inout [String: RefTensor]) -> RefTensor
}

extension ReferenceNetwork.Block: ReferenceResidualBlock {}
extension ReferenceNetwork.Bottleneck: ReferenceResidualBlock {}

extension ReferenceResidualBlock {
  /// The shortcut's output and, for option B, its convolution output (the batch norm's input).
  func skipForward(_ x: RefTensor, _ p: [String: RefTensor],
                   _ records: inout [ReferenceNetwork.BatchNormRecord])
    -> (y: RefTensor, projected: RefTensor?)
  {
    switch skip {
    case .identity:
      return (x, nil)
    case .zeroPadding:
      return (Reference.shortcutA(x, outChannels: outChannels, stride: stride), nil)
    case .projection:
      let s = Reference.conv2d(x, weight: p[ReferenceNetwork.join(prefix, "shortcut.conv.weight")]!,
                               stride: stride, padding: 0)
      return (ReferenceNetwork.batchNorm(s, ReferenceNetwork.join(prefix, "shortcut.bn"), p,
                                         &records, running: running), s)
    }
  }

  /// dL/dx through the shortcut; option B's parameter gradients go into `grads`.
  func skipBackward(_ dSkip: RefTensor, x: RefTensor, projected: RefTensor?,
                    _ p: [String: RefTensor], _ grads: inout [String: RefTensor]) -> RefTensor
  {
    switch skip {
    case .identity:
      return dSkip
    case .zeroPadding:
      return Reference.shortcutABackward(dy: dSkip, inputShape: x.shape, stride: stride)
    case .projection:
      let dS = ReferenceNetwork.batchNormBackward(
        projected!, ReferenceNetwork.join(prefix, "shortcut.bn"), dSkip, p, &grads,
        running: running)
      return ReferenceNetwork.convBackward(x, ReferenceNetwork.join(prefix, "shortcut.conv"), dS,
                                           stride: stride, padding: 0, p, &grads)
    }
  }
}

extension ReferenceResidualBlock {
  /// Checks this Float64 block against central differences of L = Σ dy ⊙ y: three entries
  /// (first, middle, last) of every parameter in `p` and of x, relative error ≤ 1e-6 above 1e-3.
  /// Returns the worst error and where, for the printed summary.
  @discardableResult
  func expectMatchesFiniteDifferences(x: RefTensor, dy: RefTensor, _ parameters: [String: RefTensor],
                                      label: String,
                                      sourceLocation: SourceLocation = #_sourceLocation)
    -> (error: Double, name: String)
  {
    var p = parameters
    let inputKey = "(input)"
    p[inputKey] = x
    let loss = { (q: [String: RefTensor]) -> Double in
      var records: [ReferenceNetwork.BatchNormRecord] = []
      let y = self.forward(q[inputKey]!, q, &records).y
      return zip(y.data, dy.data).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var records: [ReferenceNetwork.BatchNormRecord] = []
    let (_, tape) = forward(x, p, &records)
    var grads: [String: RefTensor] = [:]
    grads[inputKey] = backward(dy, tape, p, &grads)

    var worst = (error: 0.0, name: "")
    for name in p.keys.sorted() {
      let count = p[name]!.count
      // First, a middle and the last entry (different channels, taps and positions).
      for index in Set([0, count / 2 + 1, count - 1]) where index < count {
        let numeric = centralDifference(p, name, index, loss)
        let analytic = grads[name]!.data[index]
        let error = finiteDifferenceError(analytic, numeric)
        #expect(error <= 1e-6, "\(label) \(name)[\(index)]: analytic \(analytic), numeric \(numeric)",
                sourceLocation: sourceLocation)
        if !(error <= worst.error) { worst = (error, "\(name)[\(index)]") }
      }
    }
    print("\(label) reference vs finite differences: worst \(worst.error) (\(worst.name))")
    return worst
  }
}
