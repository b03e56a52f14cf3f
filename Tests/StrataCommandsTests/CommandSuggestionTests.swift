import ArgumentParser
import Foundation
import Pipeline
import StrataTestSupport
import Testing
@testable import StrataCommands

/// A mistyped subcommand gets the command it most likely meant; help examples paste.
@Suite struct CommandSuggestionTests {
  /// A negative number after an option reaches the option's own check (`--tasks -3` read as a
  /// flag used to give "Missing value for '--tasks'"); nothing else is rewritten.
  @Test func negativeNumbersStayWithTheirOption() throws {
    #expect(Strata.joiningNegativeNumbers(["ledger", "resnet32", "--tasks", "-3", "--budget", "-5"])
      == ["ledger", "resnet32", "--tasks=-3", "--budget=-5"])
    #expect(Strata.joiningNegativeNumbers(["verify", "s.json", "--tolerance", "-0.5", "--quiet"])
      == ["verify", "s.json", "--tolerance=-0.5", "--quiet"])
    for unchanged in [["train", "s.json", "--resume", "--quiet"], ["ledger", "--tasks=-3"],
                      ["run", "s.json", "--out", "-dir"], ["split", "-h"]] {
      #expect(Strata.joiningNegativeNumbers(unchanged) == unchanged)
    }
    let result = try StrataTestSupport.ChildProcess.run(
      try StrataExecutable.path(), ["ledger", "resnet32", "--tasks", "-3", "--budget", "DER:2000"])
    #expect(result.status != 0)
    #expect(result.errors.contains("--tasks must be at least 1, not -3"), "\(result.errors)")
  }

  @Test(arguments: [
    (["trian"], "train"), (["trian", "spec.json"], "train"), (["verfy"], "verify"),
    (["reprot"], "report"), (["ledgr"], "ledger"), (["bench", "engnie"], "engine"),
    (["rep"], "report"),
  ])
  func suggestsTheClosestCommand(_ arguments: [String], _ guess: String) throws {
    let message = try #require(CommandSuggestion.message(for: arguments, root: Strata.self))
    #expect(message.contains("Did you mean '\(guess)'?"), "\(message)")
    #expect(message.contains("unknown command '\(arguments.last == "spec.json" ? "trian" : arguments.last!)'"))
  }

  @Test(arguments: [["train", "spec.json"], ["bench", "engine", "--steps", "2"], ["--help"],
                    ["help", "trian"], ["zzzzzzzz"], [], ["sweeq"]])
  func staysQuietOtherwise(_ arguments: [String]) {
    // Known words, options, help, and words too far from any visible command (sweep is
    // hidden) are left to ArgumentParser.
    #expect(CommandSuggestion.message(for: arguments, root: Strata.self) == nil)
  }

  @Test func distanceCountsASwapAsOneEdit() {
    #expect(CommandSuggestion.distance("trian", "train") == 1)
    #expect(CommandSuggestion.distance("probe", "probe") == 0)
    #expect(CommandSuggestion.distance("", "run") == 3)
    #expect(CommandSuggestion.distance("splt", "split") == 1)
  }

  /// The binary: a usage error (64) with the suggestion on stderr.
  @Test func theExecutableSuggests() throws {
    let result = try ChildProcess.run(try StrataExecutable.path(), ["trian", "x.json"])
    #expect(result.status == 64)
    #expect(result.errors.contains("Did you mean 'train'?"), "\(result.errors)")
  }

  /// Every command, nested ones too.
  static func commands(_ root: any ParsableCommand.Type = Strata.self) -> [any ParsableCommand.Type] {
    [root] + root.configuration.subcommands.flatMap { commands($0) }
  }

  /// An example line of `--help` (an indented line of the discussion, or one starting
  /// `Example`) must reach an 80-column terminal unbroken, so that it pastes.
  @Test func helpExamplesFitEightyColumns() {
    var checked = 0
    for command in Self.commands() {
      let discussion = command.configuration.discussion
      let help = Strata.helpMessage(for: command, columns: 80)
      for line in discussion.components(separatedBy: "\n")
        where line.hasPrefix(" ") || line.hasPrefix("Example")
      {
        checked += 1
        let shown = "  " + line
        #expect(shown.count <= 80, "\(command._commandName): \(shown.count) columns: \(line)")
        #expect(help.contains(line.trimmingCharacters(in: .whitespaces)),
                "\(command._commandName): example wrapped in --help: \(line)")
      }
    }
    #expect(checked >= 20, "\(checked) example lines")
  }
}
