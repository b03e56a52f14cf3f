import CIL
import Foundation
import NN
import Tensor
import StrataTestSupport
import Testing
@testable import StrataCommands

/// A custom architecture (not a built-in), given as a JSON file: two stages of BasicBlocks at
/// half width. It builds, trains one SGD step (as one backbone and as a two-task MEMO model),
/// and `strata arch` and `strata ledger` print it.
@Suite struct CustomSpecTests {
  static let spec = CustomArchitectureSpec.json(name: "half-width-2stage")

  /// Runs `body` with the spec written to a temporary file.
  static func withSpecFile<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-custom-spec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("half-width.json").path
    try Data(spec.utf8).write(to: URL(fileURLWithPath: path))
    return try body(path)
  }

  /// Seeded pixels in [−1, 1) for a batch of 8×8×3 images.
  static func batch(_ n: Int, seed: UInt64) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let pixels = (0..<(n * 3 * 8 * 8)).map { _ in Float(generator.unit() * 2 - 1) }
    return try Tensor(shape: [n, 3, 8, 8], scalars: pixels, context: ComputeContext.shared())
  }

  @Test func buildsTrainsAndPrintsItsLedger() throws {
    try Self.withSpecFile { path in
      let architecture = try ArchitectureSpec.load(path)
      #expect(architecture.featureWidth == 16)
      let context = try ComputeContext.shared()

      // One backbone: one SGD step moves every parameter and keeps the loss finite.
      let net = try ResNet(architecture, context: context)
      Initialization.initialize(net, seed: 1993)
      #expect(net.parameterCount - net.head.parameterCount
        == BlockRegistry(architecture).backboneParameterCount)
      let x = try Self.batch(8, seed: 1)
      let labels: [Int32] = [0, 1, 2, 3, 0, 1, 2, 3]
      let before = net.parameters.map(\.scalars)
      let logits = try net(x, recording: true)
      let (loss, dLogits) = try SoftmaxCrossEntropy.forwardBackward(
        logits: logits, labels: labels, classes: 0..<4, context: context)
      try net.checkLoss(loss, step: 0, input: x)
      try net.backward(dLogits)
      let sgd = SGD(groups: [ParameterGroup(net.parameters, weightDecay: 5e-4)], learningRate: 0.1)
      sgd.step()
      #expect(loss.isFinite && loss > 0)
      #expect(zip(before, net.parameters).allSatisfy { $0 != $1.scalars })
      let after = try SoftmaxCrossEntropy.forwardBackward(
        logits: try net(x, recording: false), labels: labels, classes: 0..<4, context: context)
      #expect(after.loss.isFinite)

      // MEMO at stage2.block1, second task: CE + aux CE, one step of the trainable parameters.
      let memo = try ExpandableNetwork(architecture, split: .at("stage2.block1"), seed: 1993,
                                       context: context)
      try memo.addTask(classes: 2)
      try memo.addTask(classes: 2)
      let output = try memo(x, recording: true)
      let (_, dMemo) = try SoftmaxCrossEntropy.forwardBackward(
        logits: output.logits, labels: labels, classes: 0..<4, context: context)
      let auxiliaryLabels = labels.map { $0 >= 2 ? $0 - 1 : 0 }
      let (_, dAux) = try SoftmaxCrossEntropy.forwardBackward(
        logits: try #require(output.auxiliaryLogits), labels: auxiliaryLabels, classes: 0..<3,
        context: context)
      try memo.backward(dMemo, auxiliary: dAux)
      let trainable = memo.parameters.filter(\.isTrainable)
      let old = memo.branches[0].parameters.map(\.scalars)
      SGD(groups: [ParameterGroup(trainable, weightDecay: 2e-4)], learningRate: 0.1).step()
      #expect(memo.branches[0].parameters.map(\.scalars) == old, "the old branch is frozen")
      #expect(trainable.allSatisfy { $0.gradient != nil })

      // The commands print it.
      let table = try #require(try Strata.parseAsRoot(["arch", path]) as? ArchCommand).render()
      #expect(table.hasPrefix("half-width-2stage: cifar stem, 2 stages of basic blocks [2, 2] "
        + "at widths 8/16 (width ×0.5), shortcut A, input 8×8×3, 4 classes"))
      let rows = ArchCommandTests.rows(table)
      #expect(rows["stage2.block1"]?.last == "4×4×16")
      let ledgerCommand = try #require(
        try Strata.parseAsRoot(["ledger", path, "--tasks", "3", "--budget", "DER:20"])
          as? LedgerCommand)
      let ledgerText = try ledgerCommand.render()
      print(table + ledgerText)
      let ledger = MemoryLedger(architecture)
      let (g, s) = ledger.partition(.at("stage2.block1"))
      let budget = ledger.bytes(of: .der(exemplars: 20), tasks: 3)
      #expect(budget == 3 * 4 * ledger.backboneParameters + 20 * 192)
      let expected = ledger.exemplars(budget: budget, split: .at("stage2.block1"), tasks: 3)!
      #expect(ArchCommandTests.rows(ledgerText)["stage2.block1"]?.prefix(2)
        == [grouped(g), grouped(s)])
      #expect(ArchCommandTests.rows(ledgerText)["stage2.block1"]?[4] == grouped(expected))
      #expect(expected > 20)
    }
  }
}
