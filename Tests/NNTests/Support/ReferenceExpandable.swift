import Tensor
@testable import NN
@testable import TensorReference

extension ReferenceNetwork {
  /// An expandable model composed from the Float64 reference ops, written from MEMO's
  /// definition (PyCIL's `AdaptiveNet.forward`), not from the engine's code: shared units, then
  /// per branch the specialized units and global average pooling, the features concatenated
  /// oldest first, a linear classifier over them, and an auxiliary linear head on the newest
  /// branch's features. Loss: CE(logits, labels) + CE(aux logits, aux labels).
  ///
  /// Units in `eval` (full names such as `branch1.stage2.block1`) normalize with the running
  /// statistics in `running`; every other unit is in training mode.
  struct Expandable {
    /// A body unit: the CIFAR stem (3×3 conv, BN, relu) or a BasicBlock.
    enum Unit {
      case stem(String)
      case block(Block)

      func forward(_ x: RefTensor, _ p: [String: RefTensor], _ records: inout [BatchNormRecord],
                   running: [String: [Double]]?) -> (y: RefTensor, tape: Any)
      {
        switch self {
        case .stem(let prefix):
          let c = Reference.conv2d(x, weight: p["\(prefix).conv.weight"]!, stride: 1, padding: 1)
          let n = batchNorm(c, "\(prefix).bn", p, &records, running: running)
          return (Reference.relu(n), (x, c, n))
        case .block(var block):
          block.running = running
          let (y, tape) = block.forward(x, p, &records)
          return (y, tape)
        }
      }

      func backward(_ dy: RefTensor, _ tape: Any, _ p: [String: RefTensor],
                    _ grads: inout [String: RefTensor], running: [String: [Double]]?)
        -> RefTensor
      {
        switch self {
        case .stem(let prefix):
          let (x, c, n) = tape as! (RefTensor, RefTensor, RefTensor)
          let dC = batchNormBackward(c, "\(prefix).bn", Reference.reluBackward(n, dy: dy), p,
                                     &grads, running: running)
          return convBackward(x, "\(prefix).conv", dC, stride: 1, padding: 1, p, &grads)
        case .block(var block):
          block.running = running
          return block.backward(dy, tape as! Block.Tape, p, &grads)
        }
      }
    }

    let shared: [(name: String, unit: Unit)]
    /// Per branch (oldest first), its units with full names.
    let branches: [[(name: String, unit: Unit)]]
    let eval: Set<String>
    let running: [String: [Double]]

    /// The units of `architecture` (CIFAR stem, BasicBlocks) split before body unit
    /// `sharedCount`, with `branchCount` branches named `branch<k>.`.
    init(_ architecture: ResNetArchitecture, sharedCount: Int, branchCount: Int,
         eval: Set<String>, running: [String: [Double]])
    {
      precondition(architecture.stem == .cifar, "the reference has the CIFAR stem only")
      func unit(_ index: Int, _ prefix: String) -> (name: String, unit: Unit) {
        if index == 0 { return (join(prefix, "stem"), .stem(join(prefix, "stem"))) }
        let plan = architecture.blockPlans[index - 1]
        let name = join(prefix, plan.name)
        return (name, .block(Block(prefix: name, inChannels: plan.inChannels,
                                   outChannels: plan.outChannels, stride: plan.stride,
                                   kind: plan.shortcut)))
      }
      let count = architecture.blockPlans.count + 1
      shared = (0..<sharedCount).map { unit($0, "") }
      branches = sharedCount == count ? []
        : (1...branchCount).map { k in (sharedCount..<count).map { unit($0, "branch\(k)") } }
      self.eval = eval
      self.running = running
    }

    func runningStatistics(_ name: String) -> [String: [Double]]? {
      eval.contains(name) ? running : nil
    }

    struct Result {
      var loss: Double
      var logits: RefTensor
      var auxiliaryLogits: RefTensor?
      var grads: [String: RefTensor]
      var records: [BatchNormRecord]
    }

    /// Loss, outputs and every parameter gradient by name (frozen ones included: the caller
    /// compares only what the engine trains). `known` classes belong to earlier tasks.
    func gradients(_ x: RefTensor, labels: [Int], known: Int, _ p: [String: RefTensor])
      -> Result
    {
      var records: [BatchNormRecord] = []
      var h = x
      var sharedTapes: [Any] = []
      for (name, unit) in shared {
        let (y, tape) = unit.forward(h, p, &records, running: runningStatistics(name))
        sharedTapes.append(tape)
        h = y
      }
      var branchTapes: [[Any]] = [], lastMaps: [RefTensor] = [], features: [RefTensor] = []
      for branch in branches {
        var b = h
        var tapes: [Any] = []
        for (name, unit) in branch {
          let (y, tape) = unit.forward(b, p, &records, running: runningStatistics(name))
          tapes.append(tape)
          b = y
        }
        branchTapes.append(tapes)
        lastMaps.append(b)
        features.append(Reference.globalAveragePool(b))
      }
      if branches.isEmpty {
        lastMaps = [h]
        features = [Reference.globalAveragePool(h)]
      }
      let joined = features.count == 1 ? features[0] : Reference.concat(features)
      let logits = Reference.linear(joined, weight: p["head.weight"]!, bias: p["head.bias"]!.data)
      let classes = 0..<logits.shape[1]
      var loss = Reference.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes)
      var grads: [String: RefTensor] = [:]
      let dLogits = Reference.softmaxCrossEntropyBackward(logits: logits, labels: labels,
                                                          classes: classes)
      let head = Reference.linearBackward(joined, weight: p["head.weight"]!, dy: dLogits)
      grads["head.weight"] = head.dWeight
      grads["head.bias"] = RefTensor(shape: [head.dBias.count], data: head.dBias)
      var dFeatures = features.count == 1 ? [head.dx]
        : Reference.concatBackward(dy: head.dx, partShapes: features.map(\.shape))

      var auxiliaryLogits: RefTensor?
      if !branches.isEmpty {
        // New classes map to 1…, every old class to 0 ("old").
        let auxiliaryLabels = labels.map { $0 >= known ? $0 - known + 1 : 0 }
        let aux = Reference.linear(features.last!, weight: p["aux_head.weight"]!,
                                   bias: p["aux_head.bias"]!.data)
        auxiliaryLogits = aux
        let auxClasses = 0..<aux.shape[1]
        loss += Reference.softmaxCrossEntropy(logits: aux, labels: auxiliaryLabels,
                                              classes: auxClasses)
        let dAux = Reference.softmaxCrossEntropyBackward(logits: aux, labels: auxiliaryLabels,
                                                         classes: auxClasses)
        let auxBackward = Reference.linearBackward(features.last!, weight: p["aux_head.weight"]!,
                                                   dy: dAux)
        grads["aux_head.weight"] = auxBackward.dWeight
        grads["aux_head.bias"] = RefTensor(shape: [auxBackward.dBias.count],
                                           data: auxBackward.dBias)
        dFeatures[dFeatures.count - 1] = Reference.add(dFeatures.last!, auxBackward.dx)
      }

      var dShared: RefTensor?
      if branches.isEmpty {
        dShared = Reference.globalAveragePoolBackward(dy: dFeatures[0],
                                                      inputShape: lastMaps[0].shape)
      }
      for (k, branch) in branches.enumerated() {
        var g = Reference.globalAveragePoolBackward(dy: dFeatures[k],
                                                    inputShape: lastMaps[k].shape)
        for (j, (name, unit)) in branch.enumerated().reversed() {
          g = unit.backward(g, branchTapes[k][j], p, &grads, running: runningStatistics(name))
        }
        dShared = dShared.map { Reference.add($0, g) } ?? g
      }
      if var g = dShared {
        for (i, (name, unit)) in shared.enumerated().reversed() {
          g = unit.backward(g, sharedTapes[i], p, &grads, running: runningStatistics(name))
        }
      }
      return Result(loss: loss, logits: logits, auxiliaryLogits: auxiliaryLogits, grads: grads,
                    records: records)
    }
  }
}
