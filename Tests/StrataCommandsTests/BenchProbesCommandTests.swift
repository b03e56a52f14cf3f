import ArgumentParser
import Testing
@testable import StrataCommands

/// `strata bench probes` refuses settings it cannot measure before building anything.
@Suite struct BenchProbesCommandTests {
  static let batches = "--probe-images must be a multiple of --forward-batch, and that of "
    + "--cka-batch (≥ 4)"

  @Test(arguments: [
    (["--rounds", "0"], "--rounds must be at least 1, got 0"),
    (["--steps=-2"], "--steps must be at least 1, got -2"),
    (["--probe-images", "0"], "--probe-images must be at least 1, got 0"),
    (["--probe-images", "300"], batches),
    (["--cka-batch", "2", "--forward-batch", "200"], batches),
    (["--forward-batch", "0"], batches),
    (["--forward-batch", "120"], batches),
  ])
  func badSettingsAreUsageErrors(_ arguments: [String], _ message: String) {
    expectUsageError(["bench", "probes"] + arguments, message)
  }

  @Test func theDefaultsParse() throws {
    let command = try #require(try Strata.parseAsRoot(["bench", "probes"]) as? BenchProbes)
    #expect(command.rounds == 3 && command.probeImages == 2000 && command.forwardBatch == 200)
  }
}
