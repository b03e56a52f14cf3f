import CIL
import Data
import NN
import Testing
@testable import Analysis

/// The verification plan against DESIGN's ledger figures: CIFAR-100 B0 Inc10 on ResNet-32 at
/// DER's budget (10 ResNet-32 + 2,000 exemplars = 24,684,160 bytes, 23.54 MiB).
@Suite struct VerificationPlanTests {
  static let ledger = MemoryLedger(ResNetArchitecture.builtIn("resnet32")!, image: .cifar)

  @Test func memoAtDERsBudget() throws {
    let plan = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: .at("stage3.block1"),
                                budget: .der(exemplars: 2000))
    #expect(plan.budgetBytes == 24_684_160 && plan.imageBytes == 3072)
    // Expected exemplars worked by hand: floor((24,684,160 − 4·(G + 10·S)) / 3,072).
    let expected: [(String, [VerificationPlan.Role], LearnerKind, Int)] = [
      ("stem", [.der], .der, 2000),
      ("stage2.block5", [.neighbour], .memo, 3095),   // G 93,456, S 370,048
      ("stage3.block1", [.recommended], .memo, 3312),  // G 112,016, S 351,488 (MEMO's figure)
      ("stage3.block2", [.neighbour], .memo, 3963),   // G 167,568, S 295,936
      ("none", [.singleBackbone], .memo, 7431),        // one ResNet-32, 1,854,016 bytes
    ]
    #expect(plan.candidates.map(\.split.description) == expected.map(\.0))
    for (candidate, (split, roles, learner, exemplars)) in zip(plan.candidates, expected) {
      #expect(candidate.roles == roles && candidate.learner == learner, "\(split)")
      #expect(candidate.exemplars == exemplars, "\(split)")
    }
    let memo = try #require(plan.candidate(.at("stage3.block1")))
    #expect(memo.ledger.sharedParameters == 112_016 && memo.ledger.specializedParameters == 351_488)
    #expect(memo.ledger.modelBytes == 14_507_584)
  }

  /// Roles merge where the neighbours are DER's or the single backbone's split.
  @Test func neighboursAtTheEnds() {
    let first = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: .at("stage1.block1"),
                                 budget: .der(exemplars: 2000))
    #expect(first.candidates.map(\.split.description) == ["stem", "stage1.block1", "stage1.block2",
                                                          "none"])
    #expect(first.candidates[0].roles == [.der, .neighbour] && first.candidates[0].learner == .der)
    let last = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: .at("stage3.block5"),
                                budget: .der(exemplars: 2000))
    #expect(last.candidates.last?.roles == [.singleBackbone, .neighbour])
    let undecided = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: nil,
                                     budget: .bytes(10_000_000))
    #expect(undecided.candidates.map(\.split) == [.at("stem"), .none])
    #expect(undecided.candidates[0].exemplars == nil, "10 ResNet-32 exceed 10 MB")
  }

  /// A candidate's run spec carries the plan's budget in bytes, so the run's own ledger (in
  /// RunPlan) arrives at the plan's exemplar count.
  @Test func runSpecGivesThePlansExemplars() throws {
    let plan = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: .at("stage3.block1"),
                                budget: .der(exemplars: 2000))
    var base = RunSpec()
    base.modelName = .icarl
    base.warnings = ["x: ignored"]
    for candidate in plan.candidates {
      let spec = plan.runSpec(for: candidate, base: base)
      #expect(spec.modelName == candidate.learner && spec.warnings.isEmpty)
      let run = try RunPlan(spec, architecture: ResNetArchitecture.builtIn("resnet32")!,
                            classCount: 100, image: .cifar, file: "plan")
      #expect(run.split == candidate.split)
      #expect(run.memory == .total(candidate.exemplars!), "\(candidate.split)")
    }
  }
}
