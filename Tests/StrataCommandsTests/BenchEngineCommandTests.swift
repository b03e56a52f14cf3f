import ArgumentParser
import Foundation
import StrataTestSupport
import Testing
import Tensor
@testable import Pipeline
@testable import StrataCommands

/// `strata bench engine` refuses settings it cannot measure before building anything.
@Suite struct BenchEngineCommandTests {
  @Test(arguments: [
    (["--steps", "0"], "--steps must be at least 1, got 0"),
    (["--batch=-4"], "--batch must be at least 1, got -4"),
    (["--warmup=-1"], "--warmup must be at least 0, got -1"),
    (["--threads", "0"], "--threads must be at least 1, got 0"),
    (["--depth", "31"], "--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got 31"),
    (["--depth", "2"], "--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got 2"),
  ])
  func badSettingsAreUsageErrors(_ arguments: [String], _ message: String) {
    expectUsageError(["bench", "engine"] + arguments, message)
  }

  @Test func theDefaultsParse() throws {
    let command = try #require(try Strata.parseAsRoot(["bench", "engine"]) as? BenchEngine)
    #expect(command.steps == 20 && command.warmup == 5 && command.depth == 32)
  }

  /// Every runner runs once per round, the first one rotating, and values stay with their runner.
  @Test func interleavedRunnersTakeTurns() throws {
    var order: [String] = []
    let values = try Interleaved.run(3, ["a", "b", "c"].enumerated().map { index, name in
      { round in
        order.append("\(name)\(round)")
        return Double(10 * index + round)
      }
    }) { _ in }
    #expect(order == ["a0", "b0", "c0", "b1", "c1", "a1", "c2", "a2", "b2"])
    #expect(values == [[0, 1, 2], [10, 11, 12], [20, 21, 22]])
  }

  @Test func quartilesByNearestRank() {
    let q = quartiles([5, 1, 4, 2, 3])
    #expect(q.lower == 2 && q.median == 3 && q.upper == 4)
    let even = quartiles([4, 1, 3, 2])
    #expect(even.median == 2.5)
    #expect(quartiles([]).median.isNaN)
  }

  /// The PyTorch reference answers one step per command, and a bad command or a reference that
  /// is gone is an error naming it rather than a hang or a crash.
  @Test func thePyTorchReferenceTakesOneStepPerCommand() throws {
    let server = try TorchServer(python: "/usr/bin/python3", threads: 1, batch: 2,
                                 format: "contiguous")
    let train = try server.ask("train"), eval = try server.ask("eval")
    #expect(train > 0 && train < 60 && eval > 0 && eval < 60, "\(train) s, \(eval) s")
    #expect(try server.ask("rss") > 50)
    #expect(throws: BenchError.self) { try server.ask("jump") }
    do {
      _ = try server.ask("train")
      Issue.record("a reference that exited answered")
    } catch {
      #expect("\(error)".hasPrefix("the PyTorch reference (contiguous) exited"), "\(error)")
      #expect("\(error)".contains("with status 2"), "\(error)")
    }
    #expect(throws: BenchError.self) {
      try TorchServer(python: "/nonexistent/python", threads: 1, batch: 2, format: "contiguous")
    }
  }

  /// On a CPU without AVX-512 oneDNN has no Winograd kernels: a Winograd preference must fall
  /// back to direct ones. `ONEDNN_MAX_CPU_ISA=AVX2` makes this machine such a CPU for a process.
  @Test func withoutAVX512WinogradFallsBackToDirect() throws {
    var environment = ProcessInfo.processInfo.environment
    environment["ONEDNN_MAX_CPU_ISA"] = "AVX2"
    environment["OMP_NUM_THREADS"] = "1"
    let result = try StrataTestSupport.ChildProcess.run(
      try StrataExecutable.path(),
      ["bench", "engine", "--compare-convolutions", "--batch", "2", "--steps", "1", "--warmup", "0",
       "--depth", "8", "--threads", "1"], environment: environment)
    let output = String(decoding: result.output, as: UTF8.self)
    #expect(result.status == 0, "\(result.errors)")
    for policy in ConvolutionPolicy.allCases {
      #expect(output.contains("convolutions \(policy.rawValue): 3x3 stride-1 layers run "
                              + "3→16 dddd, 16→16 dddd, 32→32 dddd, 64→64 dddd (W Winograd, "
                              + "d direct: forward, backward data, backward weights, inference; "
                              + "kernels jit:avx2)"), "\(output)")
    }
  }
}

/// Expects `strata <arguments>` to stop at parsing with a usage error saying `message`.
func expectUsageError(_ arguments: [String], _ message: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
  do {
    _ = try Strata.parseAsRoot(arguments)
    Issue.record("accepted \(arguments)", sourceLocation: sourceLocation)
  } catch {
    #expect(Strata.message(for: error) == message, sourceLocation: sourceLocation)
    #expect(Strata.exitCode(for: error) == .validationFailure, sourceLocation: sourceLocation)
  }
}
