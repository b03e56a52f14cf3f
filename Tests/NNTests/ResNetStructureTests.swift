import Testing
import Tensor
@testable import NN

@Suite struct ResNetStructureTests {
  static let context: ComputeContext = {
    do { return try ComputeContext.shared() } catch { fatalError("no oneDNN engine: \(error)") }
  }()

  /// Backbone parameter counts (no classifier) from the public MEMO code.
  @Test func cifarParameterCountsMatchMEMO() throws {
    let resnet32 = try ResNet(.cifar(depth: 32), context: Self.context)
    let backbone = resnet32.parameterCount - resnet32.head.parameterCount
    #expect(backbone == 463_504)
    let generalized = resnet32.namedParameters()
      .filter { $0.name.hasPrefix("stem") || $0.name.hasPrefix("stage1") || $0.name.hasPrefix("stage2") }
      .reduce(0) { $0 + $1.parameter.count }
    #expect(generalized == 112_016)
    let stage3 = resnet32.namedParameters().filter { $0.name.hasPrefix("stage3") }
      .reduce(0) { $0 + $1.parameter.count }
    #expect(stage3 == 351_488)
    let resnet20 = try ResNet(.cifar(depth: 20), context: Self.context)
    #expect(resnet20.parameterCount - resnet20.head.parameterCount == 269_072)
  }

  @Test func namesAreDottedAndStable() throws {
    let net = try ResNet(.cifar(depth: 20, classes: 10), context: Self.context)
    let names = net.namedParameters().map(\.name)
    #expect(names.prefix(3) == ["stem.conv.weight", "stem.bn.weight", "stem.bn.bias"])
    #expect(names.contains("stage2.block3.conv1.weight"))
    #expect(names.suffix(2) == ["head.weight", "head.bias"])
    #expect(net.namedBuffers().map(\.name).contains("stage3.block1.bn2.running_var"))
    #expect(net.namedBlocks.map(\.name) == ["stem"] + (1...3).flatMap { s in
      (1...3).map { "stage\(s).block\($0)" } } + ["head"])
  }

  @Test func initializationIsSeededAndScaled() throws {
    let a = try ResNet(.cifar(depth: 20), context: Self.context)
    let b = try ResNet(.cifar(depth: 20), context: Self.context)
    Initialization.initialize(a, seed: 1993)
    Initialization.initialize(b, seed: 1993)
    #expect(a.parameters.map(\.scalars) == b.parameters.map(\.scalars))
    // He normal with fan-out: the sample std of stage3's 64·64·3·3 conv weights ≈ √(2/576).
    let last = try #require(a.blocks.last?.block as? BasicBlock)
    let w = last.conv2.weight.scalars.map(Double.init)
    let std = (w.reduce(0) { $0 + $1 * $1 } / Double(w.count)).squareRoot()
    #expect(abs(std - (2.0 / 576).squareRoot()) < 0.01 * (2.0 / 576).squareRoot() * 10)
    let head = a.head.weight.scalars.map { abs(Double($0)) }
    #expect(head.max()! <= (3.0 / 64).squareRoot())
    #expect(a.head.bias.scalars.allSatisfy { $0 == 0 })
  }
}
