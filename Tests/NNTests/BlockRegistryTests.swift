import Foundation
import Testing
@testable import NN

/// The block registry (computed from the architecture alone) against built networks, the MEMO
/// code's reference parameter counts, and the golden file of parameter names.
@Suite struct BlockRegistryTests {
  /// Backbone parameters of a built network: every parameter except the classifier's.
  static func backboneCount(_ net: ResNet) -> Int { net.parameterCount - net.head.parameterCount }

  /// The registry agrees with the built network name by name: parameter and buffer names and
  /// shapes in traversal order, per-block parameter counts, multiply-accumulates and output
  /// shapes (`CostAccounting` on the built modules), for every built-in.
  @Test(arguments: ResNetArchitecture.builtInNames)
  func registryMatchesTheBuiltNetwork(_ name: String) throws {
    let architecture = try #require(ResNetArchitecture.builtIn(name))
    let registry = BlockRegistry(architecture)
    let net = try ResNet(architecture, context: NNTest.context)
    #expect(registry.namedParameters.map(\.name) == net.namedParameters().map(\.name))
    #expect(registry.namedParameters.map(\.shape) == net.namedParameters().map(\.parameter.shape))
    #expect(registry.namedBuffers.map(\.name) == net.namedBuffers().map(\.name))
    #expect(registry.namedBuffers.map(\.shape) == net.namedBuffers().map(\.tensor.shape))
    #expect(registry.entries.map(\.name) == net.namedBlocks.map(\.name))
    #expect(registry.entries.map(\.name) == architecture.blockNames)
    for (entry, (_, block)) in zip(registry.entries, net.namedBlocks) {
      #expect(entry.parameterCount == block.parameterCount, "\(entry.name)")
    }
    let costs = net.blockCosts(input: [1] + registry.inputShape)
    #expect(costs.map(\.name) == registry.entries.map(\.name))
    for (entry, cost) in zip(registry.entries, costs) {
      #expect(entry.multiplyAccumulates == cost.multiplyAccumulates, "\(entry.name) MACs")
      #expect([1] + entry.outputShape == cost.output, "\(entry.name) output")
    }
    #expect(registry.backboneParameterCount == Self.backboneCount(net))
  }

  /// MEMO's counts (backbone only): ResNet-32 463,504 = 112,016 (stem, stage 1, stage 2) +
  /// 351,488 (stage 3); ResNet-20 269,072; ResNet-18 11,176,512 = 2,782,784 (stem … layer3) +
  /// 8,393,728 (layer4). ResNet-34 and -50 as torchvision's models minus their 1000-class fc
  /// (21,797,672 − 513,000 and 25,557,032 − 2,049,000).
  @Test func referenceParameterCounts() throws {
    let r32 = BlockRegistry(try #require(ResNetArchitecture.builtIn("resnet32")))
    #expect(r32.backboneParameterCount == 463_504)
    #expect(r32.partition(.at("stage3.block1")) == (112_016, 351_488))
    #expect(r32.partition(.at("stem")) == (0, 463_504))
    #expect(r32.partition(.none) == (463_504, 0))
    #expect(BlockRegistry(.cifar(depth: 20)).backboneParameterCount == 269_072)
    let r18 = BlockRegistry(try #require(ResNetArchitecture.builtIn("resnet18")))
    #expect(r18.backboneParameterCount == 11_176_512)
    #expect(r18.partition(.at("stage4.block1")) == (2_782_784, 8_393_728))
    #expect(BlockRegistry(.imagenet(depth: 34)).backboneParameterCount == 21_797_672 - 513_000)
    #expect(BlockRegistry(.imagenet(depth: 50)).backboneParameterCount
      == 25_557_032 - 2_049_000)
  }

  /// A different input changes MACs and shapes, not parameters (except the stem's channels).
  @Test func inputSizeChangesCostsOnly() throws {
    let a = ResNetArchitecture.cifar(depth: 20)
    let small = BlockRegistry(a, input: [3, 16, 16]), usual = BlockRegistry(a)
    #expect(small.backboneParameterCount == usual.backboneParameterCount)
    #expect(small.entries.last!.outputShape == [100])
    #expect(small.entry(named: "stage3.block3")!.outputShape == [64, 4, 4])
    #expect(usual.entry(named: "stage3.block3")!.outputShape == [64, 8, 8])
    #expect(4 * (small.multiplyAccumulates - 64 * 100)
      == usual.multiplyAccumulates - 64 * 100)
    let grey = BlockRegistry(a, input: [1, 28, 28])
    #expect(grey.entry(named: "stem")!.parameters[0].shape == [16, 1, 3, 3])
    #expect(grey.entry(named: "stage3.block1")!.outputShape == [64, 7, 7])
  }
}

/// Every parameter and buffer name and shape of every built-in, against the golden files in
/// Tests/NNTests/Golden: a rename anywhere fails here. Re-record on purpose only, with
/// `STRATA_RECORD_GOLDEN=1 swift test --filter GoldenNameTests`, and review the diff.
@Suite struct GoldenNameTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")

  /// One line per tensor: `parameter stage1.block1.conv1.weight [16, 16, 3, 3]`.
  static func listing(_ net: ResNet) -> String {
    let parameters = net.namedParameters().map { "parameter \($0.name) \($0.parameter.shape)" }
    let buffers = net.namedBuffers().map { "buffer \($0.name) \($0.tensor.shape)" }
    return "# \(net.architecture.name): every parameter and buffer, in traversal order\n"
      + (parameters + buffers).joined(separator: "\n") + "\n"
  }

  @Test(arguments: ResNetArchitecture.builtInNames)
  func namesMatchTheGoldenFile(_ name: String) throws {
    let net = try ResNet(try #require(ResNetArchitecture.builtIn(name)), context: NNTest.context)
    let actual = Self.listing(net)
    let file = Self.directory.appendingPathComponent("\(name).txt")
    if ProcessInfo.processInfo.environment["STRATA_RECORD_GOLDEN"] == "1" {
      try FileManager.default.createDirectory(at: Self.directory,
                                              withIntermediateDirectories: true)
      try Data(actual.utf8).write(to: file)
      print("recorded \(file.path)")
      return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    let (a, e) = (actual.split(separator: "\n"), expected.split(separator: "\n"))
    let difference = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }.map {
      ", first at line \($0.offset + 1): \($0.element.0) vs golden \($0.element.1)"
    } ?? ""
    #expect(actual == expected, """
      \(name) differs from \(file.lastPathComponent)\(difference); \(a.count) lines vs \(e.count). \
      Re-record with STRATA_RECORD_GOLDEN=1 if intended.
      """)
  }
}
