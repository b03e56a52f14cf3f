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

  /// The Grams read blocked maps (`nChw16c` and the like) in place; the result must equal CKA on
  /// the same maps reordered to NCHW rows, and the export must see NCHW rows.
  @Test func blockedLayoutsGiveWhatPlainRowsGive() throws {
    let before = try Self.network(seed: 1), after = try Self.network(seed: 2)
    let context = try ComputeContext.shared()
    let batches = try Self.batches(2)
    var exported: [Int: [(BlockCKA.FeatureRows, BlockCKA.FeatureRows)]] = [:]
    let results = try BlockCKA.compare(before, after, batches: batches, estimatorBatch: 4,
                                       context: context) { b, x, y in
      exported[b, default: []].append((x, y))
    }
    var blocked = 0
    for (b, (name, _)) in before.namedBlocks.enumerated() {
      var plain = MinibatchCKA()
      for (batch, (x, y)) in zip(batches, exported[b]!) {
        var rows: [Float] = []
        _ = try before.observeBlocks(batch) { observed, output in
          guard observed == name else { return }
          rows = try output.scalars(context: context)
          if !output.isPlain && output.withSampleRows({ _, _ in true }) == true { blocked += 1 }
        }
        #expect(rows == x.values, "\(name): the export is not the NCHW values")
        for start in stride(from: 0, to: 8, by: 4) {
          try plain.add(x: Array(x.values[(start * x.width)..<((start + 4) * x.width)]), xWidth: x.width,
                        y: Array(y.values[(start * y.width)..<((start + 4) * y.width)]), yWidth: y.width)
        }
      }
      #expect(abs(results[b].value - plain.result.value) < 1e-12,
              "\(name): \(results[b].value) in place, \(plain.result.value) on NCHW rows")
    }
    // Otherwise the test would not exercise the in-place path.
    #expect(blocked > 0, "no block output was in a blocked layout")
  }

  /// The block × block matrix comes from the same Grams: its diagonal is the per-block CKA bit
  /// for bit, an off-diagonal entry is CKA between two different blocks' rows, and a network
  /// against itself gives a symmetric matrix with ones on the diagonal.
  @Test func theBlockByBlockMatrix() throws {
    let before = try Self.network(seed: 1), after = try Self.network(seed: 2)
    let context = try ComputeContext.shared()
    let batches = try Self.batches(2)
    var rows: [Int: [(BlockCKA.FeatureRows, BlockCKA.FeatureRows)]] = [:]
    let both = try BlockCKA.compareBlocks(before, after, batches: batches, estimatorBatch: 4,
                                          matrix: true, context: context) { b, x, y in
      rows[b, default: []].append((x, y))
    }
    let matrix = try #require(both.matrix)
    let blocks = before.namedBlocks.count
    #expect(matrix.count == blocks && matrix.allSatisfy { $0.count == blocks })
    for b in 0..<blocks {
      #expect(matrix[b][b].value.bitPattern == both.diagonal[b].value.bitPattern)
    }
    // stem before against the last body block after, from the exported NCHW rows.
    let (a, z) = (0, blocks - 2)
    var direct = MinibatchCKA()
    for (xa, yz) in zip(rows[a]!.map(\.0), rows[z]!.map(\.1)) {
      for start in stride(from: 0, to: 8, by: 4) {
        try direct.add(x: Array(xa.values[(start * xa.width)..<((start + 4) * xa.width)]), xWidth: xa.width,
                       y: Array(yz.values[(start * yz.width)..<((start + 4) * yz.width)]), yWidth: yz.width)
      }
    }
    #expect(abs(matrix[a][z].value - direct.result.value) < 1e-12,
            "\(matrix[a][z].value) against \(direct.result.value)")
    let same = try #require(try BlockCKA.compareBlocks(before, before, batches: batches,
                                                       estimatorBatch: 4, matrix: true,
                                                       context: context).matrix)
    for i in 0..<blocks {
      #expect(abs(same[i][i].value - 1) < 1e-12)
      for j in 0..<blocks { #expect(abs(same[i][j].value - same[j][i].value) < 1e-12) }
    }
  }
}
