import CIL
import NN
import Testing
@testable import Analysis

/// Budgets below DER's footprint: CIFAR-100 B0 Inc10 on ResNet-32 (one backbone 1,854,016
/// bytes, DER after 10 tasks 18,540,160 bytes).
@Suite struct VerificationGridTests {
  static let ledger = MemoryLedger(ResNetArchitecture.builtIn("resnet32")!, image: .cifar)
  static let candidates = [
    VerificationGrid.Candidate(split: .at("stem"), roles: ["der"]),
    VerificationGrid.Candidate(split: .at("stage3.block1"), roles: ["recommended"]),
    VerificationGrid.Candidate(split: .none, roles: ["single backbone"]),
  ]

  @Test func aCandidateThatDoesNotFitIsMarked() throws {
    let grid = try VerificationGrid(ledger: Self.ledger, tasks: 10, candidates: Self.candidates,
                                    budgets: [.bytes(3_000_000), .der(exemplars: 2000)],
                                    seeds: [1, 2, 3])
    #expect(grid.budgetBytes == [3_000_000, 24_684_160])
    #expect(grid.candidates.map(\.learner) == [.der, .memo, .memo])
    // 3,000,000 bytes: only one backbone fits, with floor((3,000,000 − 1,854,016)/3,072) = 373.
    #expect(grid.fitsTable == [[0, 1], [0, 1], [1, 1]])
    #expect(grid.exemplars[2][0] == 373 && grid.exemplars[1][1] == 3312 && grid.exemplars[0][1] == 2000)
    #expect(grid.notFitting.map { [$0.candidate, $0.budget] } == [[0, 0], [1, 0]])
    #expect(grid.points.count == (1 + 1 + 2) * 3)
    #expect(!grid.points.contains { $0.candidate == 0 && $0.budget == 0 })
    let point = try #require(grid.points.first { $0.candidate == 2 && $0.budget == 0 && $0.seed == 1 })
    var base = RunSpec()
    base.warnings = ["x"]
    let spec = grid.runSpec(for: point, base: base)
    #expect(spec.seed == 2 && spec.memoryBudget == .bytes(3_000_000) && spec.split == "none")
    #expect(spec.modelName == .memo && spec.warnings.isEmpty)
    // Its run plan agrees with the grid's exemplar count.
    let plan = try RunPlan(spec, architecture: Self.ledger.architecture, classCount: 100,
                           image: .cifar, file: "grid")
    #expect(plan.memory == .total(373))
  }

  @Test func aBudgetNothingFitsNamesTheSmallestThatWould() {
    #expect(Self.ledger.smallestFittingBudget(splits: Self.candidates.map(\.split), tasks: 10)?.bytes
            == 1_854_016)
    do {
      _ = try VerificationGrid(ledger: Self.ledger, tasks: 10, candidates: Self.candidates,
                               budgets: [.der(exemplars: 0), .bytes(1_000_000)], seeds: [1])
      Issue.record("a budget nothing fits was accepted")
    } catch {
      #expect(error.message.contains("1000000 bytes"), "\(error)")
      #expect(error.message.contains("smallest budget that fits is 1854016 bytes"), "\(error)")
      #expect(error.message.contains("none after 10 tasks"), "\(error)")
    }
  }

  @Test func badGrids() {
    for (budgets, seeds) in [([MemoryLedger.Budget](), [1]), ([.bytes(5_000_000)], []),
                             ([.bytes(24_684_160), .der(exemplars: 2000)], [1]),
                             ([.bytes(5_000_000)], [1, 1])] {
      #expect(throws: VerificationGridError.self) {
        _ = try VerificationGrid(ledger: Self.ledger, tasks: 10, candidates: Self.candidates,
                                 budgets: budgets, seeds: seeds)
      }
    }
  }

  /// The plan's candidates and roles carry over.
  @Test func fromAPlan() {
    let plan = VerificationPlan(ledger: Self.ledger, tasks: 10, recommended: .at("stage3.block1"),
                                budget: .der(exemplars: 2000))
    let candidates = VerificationGrid.candidates(plan)
    #expect(candidates.map(\.split.description) == ["stem", "stage2.block5", "stage3.block1",
                                                    "stage3.block2", "none"])
    #expect(candidates[2].roles == ["recommended"] && candidates[0].learner == .der)
  }
}
