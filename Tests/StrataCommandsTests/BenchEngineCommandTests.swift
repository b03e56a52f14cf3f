import ArgumentParser
import Testing
@testable import StrataCommands

/// `strata bench engine` refuses settings it cannot measure before building anything.
@Suite struct BenchEngineCommandTests {
  @Test(arguments: [
    (["--rounds", "0"], "--rounds must be at least 1, got 0"),
    (["--steps", "0"], "--steps must be at least 1, got 0"),
    (["--batch=-4"], "--batch must be at least 1, got -4"),
    (["--warmup=-1"], "--warmup must be at least 0, got -1"),
    (["--threads", "0"], "--threads must be at least 1, got 0"),
    (["--depth", "31"], "--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got 31"),
    (["--depth", "2"], "--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got 2"),
  ])
  func badSettingsAreUsageErrors(_ arguments: [String], _ message: String) {
    do {
      _ = try Strata.parseAsRoot(["bench", "engine"] + arguments)
      Issue.record("accepted \(arguments)")
    } catch {
      #expect(Strata.message(for: error) == message)
      #expect(Strata.exitCode(for: error) == .validationFailure)
    }
  }

  @Test func theDefaultsParse() throws {
    let command = try #require(try Strata.parseAsRoot(["bench", "engine"]) as? BenchEngine)
    #expect(command.rounds == 3 && command.steps == 20 && command.depth == 32)
  }
}
