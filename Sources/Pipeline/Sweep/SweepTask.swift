import Foundation

/// One independent piece of a sweep: a `strata` command line that writes one output file.
/// Verification runs each candidate × budget × seed as one task, so a sweep can run as local
/// processes (`--jobs N`) or, later, as a Slurm job array, and be merged from the files alone.
public struct SweepTask: Sendable, Equatable {
  /// Short unique name, used for the log and status files.
  public var name: String
  /// Arguments after the `strata` executable.
  public var arguments: [String]
  /// The file the task writes; present and complete means done.
  public var output: String

  public init(name: String, arguments: [String], output: String) {
    self.name = name
    self.arguments = arguments
    self.output = output
  }

  public var log: String { output + ".log" }
  public var statusFile: String { output + ".status.json" }
}

/// How a task ended, as recorded in its status file.
public struct SweepOutcome: Sendable, Equatable, Codable {
  public var name: String
  /// The process's exit status; nil when it was killed by a signal.
  public var exitCode: Int32?
  public var signal: Int32?
  public var seconds: Double
  public var log: String

  public init(name: String, exitCode: Int32?, signal: Int32?, seconds: Double, log: String) {
    self.name = name
    self.exitCode = exitCode
    self.signal = signal
    self.seconds = seconds
    self.log = log
  }

  public var succeeded: Bool { exitCode == 0 }

  /// "candidate stage3.block1_s1993 failed with exit code 1; see …/x.h5.log".
  public var failureDescription: String {
    let how = exitCode.map { "exit code \($0)" } ?? "signal \(signal ?? 0)"
    return "\(name) failed with \(how); see \(log)"
  }
}
