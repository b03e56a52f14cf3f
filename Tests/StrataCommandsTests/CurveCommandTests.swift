import ArgumentParser
import Foundation
import Testing
@testable import StrataCommands

/// `strata curve` and the plain ConvNets in `strata arch`, parsed and run in-process.
@Suite struct CurveCommandTests {
  static func curve(_ arguments: [String]) throws -> CurveCommand {
    try #require(try Strata.parseAsRoot(["curve"] + arguments) as? CurveCommand)
  }

  /// The survey's CIFAR-100 B0 Inc10 points, exactly as printed.
  @Test func cifarDryRunPrintsTheSurveysNumbers() throws {
    let text = try Self.curve(["cifar", "--tasks", "10", "--dry-run"]).render()
    let rows = ArchCommandTests.rows(text)
    // point, backbone, params, MEMO split, budget bytes, budget MB, MEMO, DER, iCaRL-type
    #expect(rows["1"] == ["conv2", "38,976", "stage1.block1", "7,998,016", "7.63", "2,118",
                          "2,096", "2,000"])
    #expect(rows["2"] == ["resnet14", "171,856", "stage3.block1", "13,018,240", "12.42",
                          "2,495", "2,000", "3,634"])
    #expect(rows["3"] == ["resnet20", "269,072", "stage3.block1", "16,906,880", "16.12",
                          "2,768", "2,000", "4,900"])
    #expect(rows["4"] == ["resnet26_cifar", "366,288", "stage3.block1", "20,795,520", "19.83",
                          "3,040", "2,000", "6,165"])
    #expect(rows["5"] == ["resnet32", "463,504", "stage3.block1", "24,684,160", "23.54",
                          "3,312", "2,000", "7,431"])
    #expect(text.contains("MB = 2^20 bytes"))
    print(text)
  }

  /// Without --spec there is nothing to train: running is refused before any output, naming
  /// --spec and --dry-run (it used to print the plan, then "not wired yet").
  @Test func runningWithoutASpecIsRefused() throws {
    do {
      _ = try Strata.parseAsRoot(["curve", "cifar", "--tasks", "10"])
      Issue.record("running without --spec was accepted")
    } catch {
      let message = Strata.message(for: error)
      #expect(message.contains("--spec") && message.contains("--dry-run"), "\(message)")
    }
  }

  @Test func familyFileAndRunSpec() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-curve-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // A user's family: a built-in, a spec file beside the family file, an inline spec.
    let wide = #"{"name": "conv2wide", "stem": {"kernel": 3, "stride": 1, "bias": true, "maxPool": 2}, "stemWidth": 64, "stages": [{"block": "conv", "blocks": 1, "width": 128, "stride": 1, "bias": true, "maxPool": 2}], "inputChannels": 3, "inputSize": 32, "classes": 100}"#
    try Data(wide.utf8).write(to: directory.appendingPathComponent("wide.json"))
    let family = directory.appendingPathComponent("family.json").path
    try Data(#"["conv2", "wide.json", "resnet20"]"#.utf8).write(to: URL(fileURLWithPath: family))
    let rows = ArchCommandTests.rows(try Self.curve(["cifar", "--tasks", "5", "--family", family,
                                                     "--dry-run"]).render())
    // conv2wide: 1,920 + 64·128·9 + 128 + 256 = 76,032 parameters.
    #expect(rows["2"]?.prefix(2) == ["conv2wide", "76,032"])
    #expect(rows["3"]?.first == "resnet20" && rows["4"] == nil)

    let spec = directory.appendingPathComponent("run.json").path
    try Data(#"{"architecture": "resnet20", "memory_size": 500, "family": ["conv2", "wide.json"]}"#
      .utf8).write(to: URL(fileURLWithPath: spec))
    let text = try Self.curve(["cifar", "--tasks", "5", "--spec", spec, "--dry-run"]).render()
    #expect(text.contains("500 reference exemplars, exemplar-based backbone resnet20"))
    #expect(ArchCommandTests.rows(text)["2"]?.first == "conv2wide")

    try Data(#"["resnet20", "conv2"]"#.utf8).write(to: URL(fileURLWithPath: family))
    do {
      _ = try Self.curve(["cifar", "--tasks", "5", "--family", family, "--dry-run"]).render()
      Issue.record("a shrinking family was accepted")
    } catch {
      #expect("\(error)".contains("family.json: [1]: conv2"), "\(error)")
    }
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["curve", "mnist", "--tasks", "5"]) }
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["curve", "cifar", "--tasks", "0"]) }
  }

  /// `strata arch conv2` and `strata arch conv4 --input 224x224x3` print the MEMO code's counts:
  /// generalized / specialized / total 1,920 / 37,056 / 38,976 and 314,880 / 591,360 / 906,240.
  @Test func convNetsInArch() throws {
    let conv2 = try #require(try Strata.parseAsRoot(["arch", "conv2"]) as? ArchCommand).render()
    #expect(conv2.contains("MEMO split stage1.block1: generalized 1,920, specialized 37,056"))
    #expect(ArchCommandTests.rows(conv2)["backbone"]?.first == "38,976")
    #expect(ArchCommandTests.rows(conv2)["stage1.block1"]?.last == "8×8×64")
    let conv4 = try #require(try Strata.parseAsRoot(["arch", "conv4", "--input", "224x224x3"])
      as? ArchCommand).render()
    #expect(conv4.contains("MEMO split stage2.block1: generalized 314,880, specialized 591,360"))
    #expect(ArchCommandTests.rows(conv4)["backbone"]?.first == "906,240")
    #expect(ArchCommandTests.rows(conv4)["stage2.block1"]?.last == "7×7×512")
    print(conv2 + conv4)
  }

  /// Issue 25: the ledger prices the stem the data feeds, as `strata arch --input` and training.
  @Test func ledgerPricesTheStemOfTheImages() throws {
    let ledger = try #require(try Strata.parseAsRoot(
      ["ledger", "resnet20", "--tasks", "5", "--budget", "DER:100", "--image", "28x28x1"])
      as? LedgerCommand).render()
    let arch = try #require(try Strata.parseAsRoot(["arch", "resnet20", "--input", "28x28x1"])
      as? ArchCommand).render()
    #expect(ArchCommandTests.rows(arch)["backbone"]?.first == "268,784")
    #expect(ArchCommandTests.rows(ledger)["stem"]?.prefix(2) == ["0", "268,784"])
    // DER's budget: 5 grey backbones + 100 images of 784 bytes.
    #expect(ledger.contains("budget: \(grouped(5 * 4 * 268_784 + 100 * 784)) bytes"))
  }
}
