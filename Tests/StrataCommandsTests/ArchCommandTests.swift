import ArgumentParser
import Testing
@testable import StrataCommands

/// `strata arch`, parsed and run in-process.
@Suite struct ArchCommandTests {
  static func command(_ arguments: [String]) throws -> ArchCommand {
    try #require(try Strata.parseAsRoot(arguments) as? ArchCommand)
  }

  /// The rows of the printed table, by block name.
  static func rows(_ text: String) -> [String: [String]] {
    var rows: [String: [String]] = [:]
    for line in text.split(separator: "\n") {
      let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      if let name = cells.first { rows[name] = Array(cells.dropFirst()) }
    }
    return rows
  }

  @Test func resnet32Table() throws {
    let text = try Self.command(["arch", "resnet32"]).render()
    #expect(text.hasPrefix("resnet32: cifar stem, 3 stages of basic blocks [5, 5, 5] at widths "
      + "16/32/64, shortcut A, input 32×32×3, 100 classes"))
    let rows = Self.rows(text)
    #expect(rows["block"] == ["params", "share", "MACs", "output"])
    #expect(rows["stem"] == ["464", "0.10%", "442,368", "32×32×16"])
    #expect(rows["stage3.block1"] == ["55,552", "11.99%", "3,538,944", "8×8×64"])
    #expect(rows["head"] == ["6,500", "—", "6,400", "100"])
    #expect(rows["backbone"] == ["463,504", "100.00%", "68,861,952"])
    #expect(text.split(separator: "\n").count == 1 + 1 + 17 + 2)
  }

  @Test func inputChangesShapesAndCosts() throws {
    let rows = Self.rows(try Self.command(["arch", "resnet18", "--input", "64x64x3"]).render())
    #expect(rows["stem"]?.last == "16×16×64")
    #expect(rows["stage4.block2"]?.last == "2×2×512")
    #expect(rows["backbone"]?.first == "11,176,512")
    let bottleneck = Self.rows(try Self.command(["arch", "resnet50"]).render())
    #expect(bottleneck["stage4.block3"]?.last == "7×7×2048")
    #expect(bottleneck["backbone"]?.first == "23,508,032")
  }

  @Test func badInput() throws {
    #expect(throws: (any Error).self) {
      try Strata.parseAsRoot(["arch", "resnet32", "--input", "32x32"])
    }
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["arch"]) }
    do {
      _ = try Self.command(["arch", "resnet32", "--input", "2x2x3"]).render()
      Issue.record("a 2×2 input was accepted for three strided stages")
    } catch {
      #expect("\(error)".hasPrefix("--input 2x2x3: stages[2].stride: stride 2 would shrink"),
              "\(error)")
    }
    do {
      _ = try Self.command(["arch", "resnet33"]).render()
      Issue.record("resnet33 accepted")
    } catch {
      #expect("\(error)".contains("neither a built-in architecture"))
    }
  }

  @Test func helpHasAnExample() {
    let help = Strata.helpMessage(for: ArchCommand.self)
    #expect(help.contains("strata arch resnet18 --input 224x224x3"))
    #expect(help.contains("--input <HxWxC>"))
    #expect(Strata.helpMessage().contains("arch"))
  }
}
