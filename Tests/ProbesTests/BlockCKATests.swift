import Testing
import Tensor
@testable import NN
@testable import Probes

@Suite struct BlockCKATests {
  static func network(seed: UInt64) throws -> ResNet {
    let net = try ResNet(.cifar(depth: 8, classes: 5, inputSize: 8), context: try ComputeContext.shared())
    Initialization.initialize(net, seed: seed)
    net.setTraining(false)
    return net
  }

  static func batches(_ count: Int) throws -> [Tensor] {
    var generator = SeededGenerator(seed: 21)
    return try (0..<count).map { _ in
      try Tensor(shape: [8, 3, 8, 8], scalars: (0..<(8 * 192)).map { _ in Float(generator.normal()) },
                 context: try ComputeContext.shared())
    }
  }

  @Test(arguments: [BlockCKA.Features.flatten, .globalAveragePool])
  func aNetworkComparedWithItselfGivesOneEverywhere(features: BlockCKA.Features) throws {
    let net = try Self.network(seed: 1)
    let results = try BlockCKA.compare(net, net, batches: try Self.batches(2), features: features,
                                       context: try ComputeContext.shared())
    #expect(results.count == net.namedBlocks.count)
    for (name, result) in zip(net.namedBlocks.map(\.name), results) {
      #expect(abs(result.value - 1) < 1e-9, "\(name): \(result.value) \(result.reason ?? "")")
    }
  }

  /// Changing only stage3 leaves every earlier block identical (CKA exactly 1) and lowers CKA
  /// from stage3 on: the probe sees where a model changed.
  @Test func onlyTheChangedBlocksAndThoseAfterThemMove() throws {
    let before = try Self.network(seed: 1)
    let after = try Self.network(seed: 1)
    let other = try Self.network(seed: 2)
    for (mine, theirs) in zip(after.namedParameters(), other.namedParameters())
    where mine.name.hasPrefix("stage3") {
      mine.parameter.load(theirs.parameter.scalars)
    }
    let results = try BlockCKA.compare(before, after, batches: try Self.batches(3),
                                       context: try ComputeContext.shared())
    for (name, result) in zip(before.namedBlocks.map(\.name), results) {
      if name.hasPrefix("stage3") || name == "head" {
        #expect(result.value < 0.999, "\(name) changed but CKA is \(result.value)")
      } else {
        #expect(abs(result.value - 1) < 1e-12, "\(name) is unchanged but CKA is \(result.value)")
      }
    }
  }

  /// Slicing a forward batch into estimator batches gives what separate forwards give.
  @Test func estimatorBatchesOfAForwardBatchEqualSeparateForwards() throws {
    let before = try Self.network(seed: 1), after = try Self.network(seed: 2)
    let context = try ComputeContext.shared()
    let small = try Self.batches(2)
    let joined = try Tensor(shape: [16, 3, 8, 8],
                            scalars: try small.flatMap { try $0.scalars(context: context) },
                            context: context)
    let separate = try BlockCKA.compare(before, after, batches: small, context: context)
    let sliced = try BlockCKA.compare(before, after, batches: [joined], estimatorBatch: 8,
                                      context: context)
    // Float32 convolutions may pick another kernel for another batch size: equal to 1e-6.
    for (a, b) in zip(separate, sliced) { #expect(abs(a.value - b.value) < 1e-6, "\(a) vs \(b)") }
  }
}
