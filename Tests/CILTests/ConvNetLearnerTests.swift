import CIL
import Data
import NN
import Testing

/// MEMO end to end on a plain ConvNet (the MEMO code's `conv2` layout: two conv blocks with
/// bias and 2×2 max pooling) on the generated 8×8 bars: 3 tasks of 2 classes, split after the
/// first block as `memo_conv2`.
@Suite(.serialized) struct ConvNetLearnerTests {
  static let architecture = ResNetArchitecture.conv2(classes: 6, inputChannels: 1, inputSize: 8)

  @Test func memoOnConv2() throws {
    let spec = CILTest.spec(.memo)
    let plan = try RunPlan(spec, architecture: Self.architecture, classCount: 6,
                           image: CILTest.image, file: "conv2.json")
    #expect(plan.split == .at("stage1.block1"))
    let run = try ClassIncrementalRun(plan: plan, data: CILTest.dataset(), context: CILTest.context)
    run.learner.prefetchesBatches = false
    var branch1: [[Float]] = [], stem: [[Float]] = []
    let result = try run.run { event in
      guard case .evaluated = event else { return }
      let parameters = Dictionary(uniqueKeysWithValues: run.learner.network.namedParameters()
        .map { ($0.name, $0.parameter.scalars) })
      branch1.append(parameters["branch1.stage1.block1.conv.bias"] ?? [])
      stem.append(parameters["stem.conv.weight"] ?? [])
    }
    let network = run.learner.network
    #expect(network.branches.count == 3)
    #expect(network.namedParameters().map(\.name).contains("branch3.stage1.block1.conv.bias"))
    // The first branch is frozen after task 1; the shared stem keeps training.
    #expect(branch1.count == 3 && branch1[0] == branch1[1] && branch1[1] == branch1[2])
    #expect(!branch1[0].isEmpty && stem[0] != stem[1])
    let m = result.cnn
    #expect(m.tasksSeen == 3)
    #expect(m.values[0][0] > 0.75, "first task accuracy \(m.values[0][0])")
    #expect(m.averageIncrementalAccuracy.isFinite)
    // The ledger prices G + T·S of the registry: 1 × 64 + … on grey 8×8 images.
    let ledger = MemoryLedger(plan.architecture, image: CILTest.image)
    let (g, s) = ledger.partition(.at("stage1.block1"))
    #expect(g == 64 * 1 * 9 + 64 + 128 && s == 64 * 64 * 9 + 64 + 128)
    #expect(result.ledger.map(\.modelParameters) == [g + s, g + 2 * s, g + 3 * s])
    print("MEMO on conv2 (bars): accuracy \(m.values.map { $0.filter(\.isFinite) })")
  }
}
