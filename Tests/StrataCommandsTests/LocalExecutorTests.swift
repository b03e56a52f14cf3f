import Foundation
import Testing
@testable import Pipeline
@testable import StrataCommands

/// The local executor runs sweep tasks as processes, `jobs` at a time, skips finished ones and
/// records how each ended.
@Suite struct LocalExecutorTests {
  @Test func runsPendingTasksAndRecordsOutcomes() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-sweep-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    func task(_ name: String, _ script: String) -> SweepTask {
      let output = "\(directory)/\(name).txt"
      return SweepTask(name: name, arguments: ["-c", script.replacingOccurrences(of: "OUT", with: output)],
                       output: output)
    }
    let tasks = [
      task("a", "echo $OMP_NUM_THREADS > OUT"),
      task("b", "echo to-the-log; exit 3"),
      task("c", "sleep 0.2; echo c > OUT"),
      task("done", "echo again > OUT"),
    ]
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try "before\n".write(toFile: tasks[3].output, atomically: true, encoding: .utf8)
    var seen: [String] = []
    let executor = LocalExecutor(executable: "/bin/sh", jobs: 2,
                                 threads: LocalExecutor.threads(jobs: 2, cores: 4))
    let outcomes = try executor.run(
      tasks, isComplete: { FileManager.default.fileExists(atPath: $0.output) },
      progress: { outcome, finished, total in
        seen.append(outcome.name)
        #expect(total == 3 && finished == seen.count)
      })
    #expect(Set(seen) == ["a", "b", "c"])
    #expect(try String(contentsOfFile: tasks[0].output, encoding: .utf8) == "2\n", "4 cores / 2 jobs")
    #expect(LocalExecutor.threads(jobs: 3, cores: 2) == 1)
    #expect(try String(contentsOfFile: tasks[3].output, encoding: .utf8) == "before\n", "not rerun")
    let failed = try #require(outcomes.first { $0.name == "b" })
    #expect(failed.exitCode == 3 && !failed.succeeded)
    #expect(failed.failureDescription == "b failed with exit code 3; see \(tasks[1].log)")
    #expect(try String(contentsOfFile: tasks[1].log, encoding: .utf8) == "to-the-log\n")
    let status = try JSONDecoder().decode(
      SweepOutcome.self, from: Data(contentsOf: URL(fileURLWithPath: tasks[1].statusFile)))
    #expect(status == failed)
    #expect(outcomes.filter(\.succeeded).count == 2)
  }

  /// A sweep fixes the convolution algorithm at its first start, as it does the thread count:
  /// later starts get the recorded one whatever their environment, and children run with it.
  @Test func theSweepFixesItsConvolutionAlgorithm() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-sweep-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let sweep = VerificationSweep(specFile: directory + "/spec.json", directory: directory,
                                  candidates: [], budgets: [], seeds: [])
    #expect(try sweep.recordedConvolution() == nil)
    #expect(try sweep.convolution(proposed: .direct) == .direct)
    #expect(try sweep.convolution(proposed: .winograd) == .direct, "the first start's choice")
    #expect(try sweep.recordedConvolution() == .direct)

    let output = directory + "/env.txt"
    let task = SweepTask(name: "env", arguments: ["-c", "echo $STRATA_CONVOLUTION > \(output)"],
                         output: output)
    let executor = LocalExecutor(executable: "/bin/sh", jobs: 1, threads: 1,
                                 convolution: try sweep.recordedConvolution())
    let outcome = try executor.run([task], isComplete: { _ in false }, progress: { _, _, _ in })
    #expect(outcome.first?.succeeded == true)
    #expect(try String(contentsOfFile: output, encoding: .utf8) == "direct\n")

    try "fast\n".write(toFile: sweep.runsDirectory + "/convolution", atomically: true,
                       encoding: .utf8)
    #expect(throws: SweepError.self) { try sweep.recordedConvolution() }
  }
}
