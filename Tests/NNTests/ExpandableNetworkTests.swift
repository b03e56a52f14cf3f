import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN

/// Expandable models (MEMO, DER, one backbone) at every split of a tiny two-stage ResNet.
@Suite struct ExpandableNetworkTests {
  /// stem 8 → stage1 (1 block, 8) → stage2 (1 block, 16, stride 2), option A; 6×6 inputs.
  static let architecture = ResNetArchitecture(
    name: "tiny", stem: .cifar, stemWidth: 8,
    stages: [.init(blocks: 1, width: 8, stride: 1), .init(blocks: 1, width: 16, stride: 2)],
    shortcut: .zeroPadding, inputChannels: 3, inputSize: 6, classes: 3)

  static let splits = ["stem", "stage1.block1", "stage2.block1", "none"]

  /// Names without the `branch<k>.` prefix.
  static func plain(_ name: String) -> String {
    name.hasPrefix("branch") ? String(name.drop { $0 != "." }.dropFirst()) : name
  }

  /// After the first task the network is exactly `ResNet` initialized with the same seed:
  /// the same values under the same names (branch prefix removed) and the same logits.
  @Test(arguments: splits)
  func firstTaskEqualsAResNetWithTheSameSeed(_ split: String) throws {
    let net = try ExpandableNetwork(Self.architecture, split: SplitPoint(split), seed: 0x5EED,
                                    context: NNTest.context)
    try net.addTask(classes: Self.architecture.classes)
    let resnet = try ResNet(Self.architecture, context: NNTest.context)
    Initialization.initialize(resnet, seed: 0x5EED)
    let mine = net.namedParameters().filter { !$0.name.hasPrefix("aux_head") }
    #expect(mine.map { Self.plain($0.name) } == resnet.namedParameters().map(\.name))
    for ((_, a), (name, b)) in zip(mine, resnet.namedParameters()) {
      #expect(a.scalars == b.scalars, "\(name)")
    }
    var random = SeededRandom(seed: 1)
    let x = try NNTest.tensor(random.float32Tensor([2, 3, 6, 6]))
    net.setTraining(false)
    resnet.setTraining(false)
    let ours = try NNTest.ref(try net(x, recording: false).logits)
    let theirs = try NNTest.ref(try resnet(x, recording: false))
    #expect(ours.data == theirs.data)
  }

  /// The same for an ImageNet-style Bottleneck network (7×7/2 stem with max pooling, option B):
  /// after one task it equals the ResNet; after two, a training step with the auxiliary loss
  /// gives every trainable parameter a finite gradient and the frozen branch none.
  @Test func bottleneckNetworkExpands() throws {
    let architecture = ResNetArchitecture(
      name: "tiny-bottleneck", stem: .imagenet, stemWidth: 8,
      stages: [.init(block: .bottleneck, blocks: 1, width: 4, stride: 1),
               .init(block: .bottleneck, blocks: 2, width: 8, stride: 2)],
      shortcut: .projection, inputChannels: 3, inputSize: 16, classes: 3)
    let net = try ExpandableNetwork(architecture, split: .at("stage2.block2"), seed: 11,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    let resnet = try ResNet(architecture, context: NNTest.context)
    Initialization.initialize(resnet, seed: 11)
    var random = SeededRandom(seed: 11)
    let x = try NNTest.tensor(random.float32Tensor([4, 3, 16, 16]))
    net.setTraining(false)
    resnet.setTraining(false)
    #expect(try NNTest.ref(try net(x, recording: false).logits).data
      == (try NNTest.ref(try resnet(x, recording: false))).data)

    try net.addTask(classes: 2)
    #expect(net.namedBlocks.map(\.name) == ["stem", "stage1.block1", "stage2.block1",
                                            "branch1.stage2.block2", "branch2.stage2.block2",
                                            "head", "aux_head"])
    #expect(net.head?.weight.shape == [5, 64])
    net.setTraining(true)
    let output = try net(x, recording: true)
    let (_, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: [0, 4, 3, 1], classes: 0..<5, context: NNTest.context)
    let (_, dAux) = try SoftmaxCrossEntropy.forwardBackward(
      logits: try #require(output.auxiliaryLogits), labels: [0, 2, 1, 0], classes: 0..<3,
      context: NNTest.context)
    try net.backward(dLogits, auxiliary: dAux)
    let grads = try NNTest.gradients(of: net)
    for (name, parameter) in net.namedParameters() {
      if name.hasPrefix("branch1.") {
        #expect(grads[name] == nil, "frozen \(name) has a gradient")
      } else {
        let g = try #require(grads[name], "\(name) has no gradient")
        #expect(g.data.allSatisfy(\.isFinite) && g.data.contains { $0 != 0 }, "\(name)")
        #expect(parameter.isTrainable)
      }
    }
  }

  /// Names, branch copies, classifier growth and the auxiliary head after two tasks at MEMO's
  /// kind of split.
  @Test func secondTaskCopiesTheNewestBranchAndGrowsTheClassifier() throws {
    let net = try ExpandableNetwork(Self.architecture, split: .at("stage2.block1"), seed: 7,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    var random = SeededRandom(seed: 2)
    net.randomizeBatchNorms(&random)
    for (_, buffer) in net.namedBuffers() {
      _ = buffer.memory.floats.initialize(from: random.values(buffer.count, 0.5, 1.5)
        .map(Float.init))
    }
    net.head!.bias.load(random.values(3, -0.1, 0.1).map(Float.init))
    let oldHead = (net.head!.weight.scalars, net.head!.bias.scalars)
    try net.addTask(classes: 2)

    #expect(net.branches.count == 2 && net.taskSizes == [3, 2] && net.totalClasses == 5)
    #expect(net.namedBlocks.map(\.name) == ["stem", "stage1.block1", "branch1.stage2.block1",
                                            "branch2.stage2.block1", "head", "aux_head"])
    let names = net.namedParameters().map(\.name)
    #expect(names.contains("branch2.stage2.block1.conv1.weight"))
    #expect(names.contains("stage1.block1.bn2.bias") && names.contains("stem.conv.weight"))
    #expect(names.suffix(4) == ["head.weight", "head.bias", "aux_head.weight", "aux_head.bias"])
    #expect(net.namedBuffers().map(\.name).contains("branch1.stage2.block1.bn1.running_mean"))

    // The new branch is an exact copy, in separate storage.
    let (b1, b2) = (net.branches[0], net.branches[1])
    for ((n1, p1), (n2, p2)) in zip(b1.namedParameters(), b2.namedParameters()) {
      #expect(n1 == n2 && p1.scalars == p2.scalars && p1 !== p2, "\(n1)")
    }
    for ((n1, t1), (_, t2)) in zip(b1.namedBuffers(), b2.namedBuffers()) {
      #expect(try t1.scalars(context: NNTest.context) == t2.scalars(context: NNTest.context),
              "\(n1)")
      #expect(t1 !== t2)
    }
    // Old branch frozen and in eval mode, new one trainable.
    #expect(!b1.hasTrainableParameters && b2.parameters.allSatisfy(\.isTrainable))
    #expect(net.isFrozen(block: "branch1.stage2.block1"))

    // Classifier [5, 32]: old [3, 16] block copied, biases of old classes copied.
    let head = try #require(net.head)
    #expect(head.weight.shape == [5, 32] && head.bias.shape == [5])
    let weight = head.weight.scalars
    for r in 0..<3 {
      #expect(Array(weight[(r * 32)..<(r * 32 + 16)]) == Array(oldHead.0[(r * 16)..<(r * 16 + 16)]))
    }
    #expect(Array(head.bias.scalars.prefix(3)) == oldHead.1)
    #expect(head.bias.scalars.suffix(2) == [0, 0])
    #expect(net.auxiliaryHead?.weight.shape == [3, 16])

    // Weight aligning rescales the two new rows to the old rows' mean norm.
    net.alignClassifierWeights()
    let aligned = head.weight.scalars
    let norm = { (r: Int) in
      (0..<32).reduce(0.0) { $0 + Double(aligned[r * 32 + $1] * aligned[r * 32 + $1]) }
        .squareRoot()
    }
    #expect(abs((norm(0) + norm(1) + norm(2)) / 3 - (norm(3) + norm(4)) / 2) < 1e-5)
  }

  /// A frozen old branch stays in eval mode through `setTraining(true)`: a training forward
  /// leaves its running statistics alone and updates the new branch's.
  @Test func frozenBranchKeepsItsRunningStatistics() throws {
    let net = try ExpandableNetwork(Self.architecture, split: .at("stage1.block1"), seed: 3,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    try net.addTask(classes: 2)
    net.setTraining(true)
    let before = try NNTest.buffers(of: net)
    var random = SeededRandom(seed: 4)
    _ = try net(try NNTest.tensor(random.float32Tensor([4, 3, 6, 6])), recording: false)
    let after = try NNTest.buffers(of: net)
    for (name, value) in before {
      if name.hasPrefix("branch1.") {
        #expect(after[name] == value, "\(name) moved")
      } else if name.hasSuffix("running_mean") {
        #expect(after[name] != value, "\(name) did not move")
      }
    }
    // Unfreezing puts it back into training mode.
    net.setFrozen(false, branch: 1)
    #expect(net.branches[0].hasTrainableParameters)
    _ = try net(try NNTest.tensor(random.float32Tensor([4, 3, 6, 6])), recording: false)
    #expect(try NNTest.buffers(of: net)["branch1.stage1.block1.bn1.running_mean"]
      != after["branch1.stage1.block1.bn1.running_mean"])
  }

  /// Two tasks (3 + 2 classes), the first branch frozen in eval mode with random running
  /// statistics, shared blocks trainable: loss CE + aux CE, logits, auxiliary logits, every
  /// trainable gradient and the running statistics against the Float64 reference composition;
  /// the frozen branch gets no gradient. N = 4 (labels from both tasks).
  @Test(arguments: splits)
  func twoBranchGradientsMatchFloat64Reference(_ split: String) throws {
    let splitPoint = SplitPoint(split)
    let net = try ExpandableNetwork(Self.architecture, split: splitPoint, seed: 0xE4,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    var random = SeededRandom(seed: 0xE4)
    net.randomizeBatchNorms(&random)
    for (name, buffer) in net.namedBuffers() {
      let (low, high) = name.hasSuffix("running_var") ? (0.5, 1.5) : (-0.3, 0.3)
      _ = buffer.memory.floats.initialize(from: random.values(buffer.count, low, high)
        .map(Float.init))
    }
    try net.addTask(classes: 2)
    // Make the branches differ, so a mix-up between them cannot pass.
    if net.branches.count == 2 { net.branches[1].randomizeBatchNorms(&random) }
    net.head!.bias.load(random.values(5, -0.1, 0.1).map(Float.init))
    net.setTraining(true)

    let x = random.float32Tensor([4, 3, 6, 6])
    let labels = [4, 0, 3, 2]
    let initialBuffers = try NNTest.buffers(of: net)
    let output = try net(try NNTest.tensor(x), recording: true)
    var (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: labels.map(Int32.init), classes: 0..<5,
      context: NNTest.context)
    var dAuxiliary: Tensor?
    if let aux = output.auxiliaryLogits {
      let auxLabels = labels.map { Int32($0 >= 3 ? $0 - 2 : 0) }
      let auxLoss: Double
      (auxLoss, dAuxiliary) = try SoftmaxCrossEntropy.forwardBackward(
        logits: aux, labels: auxLabels, classes: 0..<3, context: NNTest.context)
      loss += auxLoss
    }
    try net.backward(dLogits, auxiliary: dAuxiliary)

    let eval = Set(net.namedBlocks.map(\.name).filter(net.isFrozen(block:)))
    let oldBranch = net.branches.count == 2
      ? net.branches[0].blocks.map { "branch1.\($0.name)" } : []
    #expect(eval == Set(oldBranch))
    #expect(oldBranch.first == (split == "none" ? nil : "branch1." + split))
    let sharedCount = Self.architecture.sharedBlockCount(splitPoint)
    let reference = ReferenceNetwork.Expandable(
      Self.architecture, sharedCount: sharedCount, branchCount: net.branches.count, eval: eval,
      running: initialBuffers)
    let p = NNTest.parameters(of: net)
    let expected = reference.gradients(x, labels: labels, known: 3, p)

    let lossError = abs(loss - expected.loss) / abs(expected.loss)
    #expect(lossError <= 1e-5, "loss \(loss) vs reference \(expected.loss)")
    var log = DiscrepancyLog("expandable split \(split)")
    log.check("logits", try NNTest.ref(output.logits), expected.logits, tolerance: 1e-4)
    if let aux = output.auxiliaryLogits {
      log.check("aux logits", try NNTest.ref(aux), try #require(expected.auxiliaryLogits),
                tolerance: 1e-4)
    }
    #expect((output.auxiliaryLogits == nil) == (split == "none"))
    let grads = try NNTest.gradients(of: net)
    for (name, parameter) in net.namedParameters() {
      let frozen = eval.contains { name.hasPrefix($0 + ".") }
      #expect(parameter.isTrainable == !frozen, "\(name)")
      if frozen {
        #expect(grads[name] == nil, "frozen \(name) received a gradient")
        continue
      }
      let engine = try #require(grads[name], "trainable \(name) has no gradient")
      let ref = try #require(expected.grads[name], "the reference has no \(name)")
      log.check("d " + name, engine, ref, tolerance: 1e-4)
    }
    let running = ReferenceNetwork.runningStatistics(initial: initialBuffers,
                                                     records: expected.records)
    let buffers = try NNTest.buffers(of: net)
    #expect(Set(buffers.keys) == Set(running.keys))
    for (name, value) in running.sorted(by: { $0.key < $1.key }) {
      log.check(name, buffers[name] ?? [], value, tolerance: 1e-5)
      if eval.contains(where: { name.hasPrefix($0 + ".") }) {
        #expect(buffers[name] == initialBuffers[name], "frozen \(name) moved")
      }
    }
    print("split \(split): loss \(loss) vs reference \(expected.loss)")
    print(log.summary)
  }

  /// With the shared part and the old branch frozen, only the newest branch and the heads get
  /// gradients, and the old branch does no backward work at all (it records nothing).
  @Test func frozenSharedPartGetsNoGradient() throws {
    let net = try ExpandableNetwork(Self.architecture, split: .at("stage2.block1"), seed: 9,
                                    context: NNTest.context)
    try net.addTask(classes: 3)
    try net.addTask(classes: 2)
    net.setSharedFrozen(true)
    net.setTraining(true)
    var random = SeededRandom(seed: 9)
    let output = try net(try NNTest.tensor(random.float32Tensor([4, 3, 6, 6])), recording: true)
    let (_, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
      logits: output.logits, labels: [0, 1, 3, 4], classes: 0..<5, context: NNTest.context)
    try net.backward(dLogits)
    let withGradient = Set(try NNTest.gradients(of: net).keys)
    let expected = Set(net.namedParameters().map(\.name).filter {
      $0.hasPrefix("branch2.") || $0.hasPrefix("head.")
    })
    #expect(withGradient == expected)
  }
}

/// The non-finite check names branch blocks by their full names.
@Suite struct ExpandableNonFiniteTests {
  @Test func nanInTheNewestBranchIsNamed() throws {
    let net = try ExpandableNetwork(ExpandableNetworkTests.architecture,
                                    split: .at("stage2.block1"), seed: 5, context: NNTest.context)
    try net.addTask(classes: 3)
    try net.addTask(classes: 2)
    var random = SeededRandom(seed: 5)
    let x = try NNTest.tensor(random.float32Tensor([2, 3, 6, 6]))
    #expect(try net.firstNonFiniteBlock(x) == nil)
    try net.checkLoss(1.5, step: 0, input: x)
    let weight = net.branches[1].parameters[0]
    var values = weight.scalars
    values[3] = .nan
    weight.load(values)
    #expect(try net.firstNonFiniteBlock(x) == "branch2.stage2.block1")
    #expect(throws: NonFiniteLossError.self) { try net.checkLoss(1.5, step: 7, input: x) }
  }
}
