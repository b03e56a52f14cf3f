import Foundation
import Tensor

/// Runs sweep tasks as child processes of this machine, at most `jobs` at a time. Each child gets
/// `OMP_NUM_THREADS` = `threads`: the sweep fixes it once (cores / jobs by default), because
/// results are bitwise reproducible only at the same thread count, and a resumed sweep must
/// match the runs it kept. Output goes to the task's log file; a status file records the end.
/// A task whose output already exists (`isComplete`) is not run again: a killed sweep resumes.
public struct LocalExecutor: Sendable {
  public var executable: String
  public var jobs: Int
  public var threads: Int
  /// `STRATA_CONVOLUTION` for the children, fixed by the sweep like `threads`; nil: inherited.
  public var convolution: ConvolutionPolicy?

  public init(executable: String, jobs: Int, threads: Int,
              convolution: ConvolutionPolicy? = nil) {
    self.executable = executable
    self.jobs = max(1, jobs)
    self.threads = max(1, threads)
    self.convolution = convolution
  }

  /// The cores shared out between `jobs` processes.
  public static func threads(jobs: Int,
                             cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int
  {
    max(1, cores / max(1, jobs))
  }

  /// Runs the tasks not yet complete; calls `progress` after each ends (on the caller's thread).
  public func run(_ tasks: [SweepTask], isComplete: (SweepTask) -> Bool,
                  progress: (SweepOutcome, _ finished: Int, _ total: Int) -> Void) throws
    -> [SweepOutcome]
  {
    let pending = tasks.filter { !isComplete($0) }
    var outcomes: [SweepOutcome] = []
    var running: [(task: SweepTask, process: SpawnedProcess, start: Date)] = []
    var next = 0
    while next < pending.count || !running.isEmpty {
      while running.count < jobs && next < pending.count {
        let task = pending[next]
        next += 1
        running.append((task, try launch(task, threads: threads), Date()))
      }
      // Poll: there is no portable "wait for any of these children" that leaves others alone.
      Thread.sleep(forTimeInterval: 0.05)
      for (i, entry) in running.enumerated().reversed() where !entry.process.isRunning {
        running.remove(at: i)
        let outcome = Self.outcome(entry.task, entry.process, start: entry.start)
        try Self.writeStatus(outcome, to: entry.task.statusFile)
        outcomes.append(outcome)
        progress(outcome, outcomes.count, pending.count)
      }
    }
    return outcomes
  }

  private func launch(_ task: SweepTask, threads: Int) throws -> SpawnedProcess {
    let directory = URL(fileURLWithPath: task.output).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // A fresh log per start: a resumed task's log shows only its last attempt.
    guard FileManager.default.createFile(atPath: task.log, contents: nil) else {
      throw SweepError(path: task.log, message: "cannot create the task's log file")
    }
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = String(threads)
    if let convolution { environment[ComputeContext.convolutionVariable] = convolution.rawValue }
    environment["STRATA_PARENT_PID"] = String(getpid())
    return try SpawnedProcess(executable: executable, arguments: task.arguments,
                              environment: environment, log: task.log)
  }

  static func outcome(_ task: SweepTask, _ process: SpawnedProcess, start: Date) -> SweepOutcome {
    SweepOutcome(name: task.name, exitCode: process.exitCode, signal: process.signal,
                 seconds: Date().timeIntervalSince(start), log: task.log)
  }

  public static func writeStatus(_ outcome: SweepOutcome, to path: String) throws {
    try SweepJSON.write(outcome, to: path, what: "the status file")
  }
}

/// A sweep failure, naming the file or executable.
public struct SweepError: Error, CustomStringConvertible {
  public let path: String
  public let message: String
  public var description: String { "\(path): \(message)" }

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }
}
