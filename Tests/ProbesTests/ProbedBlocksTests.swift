import Testing
import Tensor
@testable import NN
@testable import Probes

/// `ProbedBlocks` on a MEMO-style network: plain block names, the newest branch's blocks, and a
/// head cut back to an earlier task's classifier.
@Suite struct ProbedBlocksTests {
  static let architecture = ResNetArchitecture.cifar(depth: 8, classes: 5, inputSize: 8)

  /// Two tasks (2 + 3 classes) at split stage3.block1: branches 1 and 2, head 5 × 2F.
  static func network() throws -> ExpandableNetwork {
    let net = try ExpandableNetwork(architecture, split: .at("stage3.block1"),
                                    seed: 4, context: try ComputeContext.shared())
    try net.addTask(classes: 2)
    try net.addTask(classes: 3)
    net.setTraining(false)
    return net
  }

  @Test func namesTheArchitecturesBlocksWithTheNewestBranch() throws {
    let net = try Self.network()
    let view = ProbedBlocks(net)
    #expect(view.namedBlocks.map(\.name) == BlockRegistry(Self.architecture).entries.map(\.name))
    let specialized = try #require(view.namedBlocks.first { $0.name == "stage3.block1" })
    #expect(specialized.block === net.branches[1].blocks[0].block)
    #expect(view.namedBlocks.last?.block === net.head)

    var generator = SeededGenerator(seed: 5)
    let context = try ComputeContext.shared()
    let x = try Tensor(shape: [4, 3, 8, 8], scalars: (0..<768).map { _ in Float(generator.normal()) },
                       context: context)
    var seen: [String: [Float]] = [:]
    try net.observeBlocks(x) { name, output in seen[name] = try output.scalars(context: context) }
    var viewed: [String: [Float]] = [:]
    try view.observeBlocks(x) { name, output in viewed[name] = try output.scalars(context: context) }
    #expect(viewed.keys.sorted() == view.namedBlocks.map(\.name).sorted())
    #expect(viewed["stage3.block1"] == seen["branch2.stage3.block1"])
    #expect(viewed["stage1.block1"] == seen["stage1.block1"] && viewed["head"] == seen["head"])

    // Cut to the first task's classifier: 2 classes over branch 1's features.
    let columns = net.featureWidth
    let cut = try ProbedBlocks(net, headLimit: (2, columns), context: context)
    var logits: [Float] = []
    try cut.observeBlocks(x) { name, output in
      if name == "head" { logits = try output.scalars(context: context) }
    }
    let full = try #require(seen["head"])
    let oldLogits: [Float] = (0..<4).flatMap { (row: Int) -> ArraySlice<Float> in
      full[(row * 5)..<(row * 5 + 2)]
    }
    #expect(logits == oldLogits)
    let head = try #require(cut.namedBlocks.last?.block as? Dense)
    let weight = try #require(net.head).weight.scalars
    let oldRows: [Float] = (0..<2).flatMap { (row: Int) -> ArraySlice<Float> in
      weight[(row * 2 * columns)..<(row * 2 * columns + columns)]
    }
    #expect(head.weight.scalars == oldRows)
    #expect(head.bias.scalars == Array(try #require(net.head).bias.scalars.prefix(2)))
  }
}
