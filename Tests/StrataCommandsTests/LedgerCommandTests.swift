import ArgumentParser
import Testing
@testable import StrataCommands

/// `strata ledger`, parsed and run in-process.
@Suite struct LedgerCommandTests {
  static func command(_ arguments: [String]) throws -> LedgerCommand {
    try #require(try Strata.parseAsRoot(arguments) as? LedgerCommand)
  }

  /// CIFAR-100 B0 Inc10 at DER's budget: the MEMO paper's 3,312 exemplars at stage3.block1,
  /// DER's own 2,000 at stem, and one backbone's 603.52 exemplar equivalents.
  @Test func memoAtDERsBudget() throws {
    let text = try Self.command(["ledger", "resnet32", "--tasks", "10", "--budget", "DER:2000"])
      .render()
    #expect(text.contains("budget: 24,684,160 bytes (23.54 MiB) = DER: 10 × resnet32 + 2,000 "
      + "exemplars"))
    let rows = ArchCommandTests.rows(text)
    #expect(rows["stage3.block1"] == ["112,016", "351,488", "3,626,896", "14,507,584", "3,312",
                                      "4,722.52"])
    #expect(rows["stem"]?[4] == "2,000")
    #expect(rows["none"] == ["463,504", "0", "463,504", "1,854,016", "7,431", "603.52"])
    #expect(rows.keys.filter { $0.hasPrefix("stage") }.count == 15)
  }

  @Test func oneSplitBytesBudgetAndImage() throws {
    let text = try Self.command(["ledger", "resnet18", "--tasks", "5", "--budget", "50000000",
                                 "--split", "stage4.block1"]).render()
    let rows = ArchCommandTests.rows(text)
    #expect(rows["stage4.block1"]?.prefix(2) == ["2,782,784", "8,393,728"])
    #expect(rows["stage4.block1"]?[4] == "—")
    #expect(text.contains("the model alone exceeds the budget"))
    #expect(rows["none"] == nil)
    let grey = try Self.command(["ledger", "resnet20", "--tasks", "1", "--budget", "1076288",
                                 "--image", "28x28x1", "--split", "none"]).render()
    // Grey images feed a one-channel stem (issue 25): 268,784 parameters = 1,075,136 bytes,
    // leaving 1,152 bytes of this budget, one 784-byte image; the model is 1,371.35 images.
    #expect(ArchCommandTests.rows(grey)["none"] == ["268,784", "0", "268,784", "1,075,136", "1",
                                                    "1,371.35"])
  }

  @Test func badInput() throws {
    for arguments in [["ledger", "resnet32", "--tasks", "0", "--budget", "DER:2000"],
                      ["ledger", "resnet32", "--tasks", "10", "--budget", "lots"],
                      ["ledger", "resnet32", "--tasks", "10"],
                      ["ledger", "resnet32", "--tasks", "2", "--budget", "1", "--image", "3x3"]] {
      #expect(throws: (any Error).self, "\(arguments)") { try Strata.parseAsRoot(arguments) }
    }
    do {
      _ = try Self.command(["ledger", "resnet32", "--tasks", "10", "--budget", "DER:2000",
                            "--split", "stage4.block1"]).render()
      Issue.record("stage4.block1 accepted for resnet32")
    } catch {
      #expect("\(error)" == "--split: \"stage4.block1\" is not a block of resnet32; legal "
        + "splits: stem, stage1.block1…stage1.block5, stage2.block1…stage2.block5, "
        + "stage3.block1…stage3.block5, none")
    }
  }

  @Test func helpHasAnExample() {
    let help = Strata.helpMessage(for: LedgerCommand.self)
    #expect(help.contains("strata ledger resnet32 --tasks 10 --budget DER:2000"))
    #expect(help.contains("--budget <BYTES|DER:N>"))
  }
}
