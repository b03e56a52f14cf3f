import Foundation
import Testing
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
}
