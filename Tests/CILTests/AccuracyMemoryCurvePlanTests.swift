import CIL
import Foundation
import Data
import NN
import Testing

/// The accuracy–memory curve's budget points against the survey's numbers for CIFAR-100 B0
/// Inc10 (T = 10, 2,000 exemplars; the MEMO code's
/// utils/model2exemplar.py): budgets 7.63 / 12.42 / 16.12 / 19.83 / 23.54 MB, MEMO 2,118 /
/// 2,495 / 2,768 / 3,040 / 3,312 exemplars, iCaRL-type 2,000 / 3,634 / 4,900 / 6,165 / 7,431.
/// Every count here comes from the block registry of the built-in architectures.
@Suite struct AccuracyMemoryCurvePlanTests {
  @Test func cifarReproducesTheSurvey() {
    let plan = AccuracyMemoryCurvePlan(.cifar, tasks: 10)
    #expect(plan.points.map(\.backbone.name)
      == ["conv2", "resnet14", "resnet20", "resnet26_cifar", "resnet32"])
    #expect(plan.points.map { ($0.megabytes * 100).rounded() / 100 }
      == [7.63, 12.42, 16.12, 19.83, 23.54])
    #expect(plan.points.map(\.memo) == [2_118, 2_495, 2_768, 3_040, 3_312])
    #expect(plan.points.map(\.exemplarBased) == [2_000, 3_634, 4_900, 6_165, 7_431])
    // DER has exactly the reference exemplars from point 2 on; at point 1 ten conv2 leave more.
    #expect(plan.points.map(\.der) == [2_096, 2_000, 2_000, 2_000, 2_000])
    #expect(plan.points[4].budget == 24_684_160)
    #expect(plan.points.map(\.memoSplit) == [.at("stage1.block1")] + Array(
      repeating: .at("stage3.block1"), count: 4))
  }

  /// ImageNet: point 1 is ResNet-18 + 2,000 images of 150,528 bytes; conv4 ×10 leaves room.
  @Test func imagenetPointOne() {
    let plan = AccuracyMemoryCurvePlan(.imagenet, tasks: 10)
    #expect(plan.points.count == 6 && plan.points[0].backbone.name == "conv4")
    #expect(plan.points[0].budget == 4 * 11_176_512 + 2_000 * 150_528)
    #expect(plan.points[0].backboneParameters == 906_240)
    #expect(plan.points.allSatisfy { $0.exemplarBased! >= 2_000 && $0.der! >= 2_000 })
    #expect(plan.points.dropFirst().allSatisfy { $0.der == 2_000 })
  }

  /// A family whose first backbone is too big for the reference point: marked, not an error.
  @Test func modelsBeyondTheBudgetAreMarked() {
    let plan = AccuracyMemoryCurvePlan(
      benchmark: .cifar(depth: 20), family: [.cifar(depth: 32)], tasks: 10, exemplars: 0,
      image: .cifar)
    #expect(plan.points[0].der == nil && plan.points[0].memo == nil)
    #expect(plan.points[0].exemplarBased == 0)
  }

  /// PyCIL's convnet_type values for the plain ConvNets load them.
  @Test(arguments: [("conv2", "conv2"), ("memo_conv2", "conv2"), ("conv4", "conv4"),
                    ("memo_conv4", "conv4")])
  func convnetTypes(_ type: String, _ name: String) throws {
    let spec = try RunSpec.decode(Data("{\"convnet_type\": \"\(type)\"}".utf8), file: "x.json")
    #expect(spec.architecture == name)
    #expect(try ArchitectureSpec.load(spec.architecture).name == name)
  }

  /// A run spec's own family: names or spec files beside it, smallest first.
  @Test func runSpecFamily() throws {
    let spec = try RunSpec.decode(
      Data(#"{"family": ["conv2", "resnet14", "resnet20"]}"#.utf8), file: "/tmp/x.json")
    #expect(spec.family == ["conv2", "resnet14", "resnet20"])
    #expect(spec.warnings.isEmpty)
    #expect(try spec.loadFamily(file: "/tmp/x.json")?.map(\.name) == ["conv2", "resnet14", "resnet20"])
    #expect(try RunSpec.decode(Data(spec.canonicalJSON.utf8), file: "c.json").family == spec.family)
    let shrinking = try RunSpec.decode(Data(#"{"family": ["resnet20", "conv2"]}"#.utf8),
                                       file: "/tmp/y.json")
    #expect(throws: RunSpecError.self) { try shrinking.loadFamily(file: "/tmp/y.json") }
    do {
      _ = try shrinking.loadFamily(file: "/tmp/y.json")
    } catch {
      #expect(error.key == "family[1]" && error.message.contains("smaller than resnet20"))
    }
    #expect(throws: RunSpecError.self) {
      try RunSpec.decode(Data(#"{"family": "conv2"}"#.utf8), file: "z.json")
    }
  }
}
