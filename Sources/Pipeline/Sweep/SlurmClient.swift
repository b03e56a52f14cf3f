import Foundation

/// Slurm's client commands (sbatch, squeue, scontrol, scancel) found on PATH and run to their
/// end, each failure an error naming the command and what Slurm said.
struct SlurmClient: Sendable {
  /// Runs `program` with `arguments`: (status, stdout, stderr).
  static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    guard let result = ChildProcess.outputAndErrors("/usr/bin/env", [program] + arguments) else {
      throw SweepError(path: program, message: "cannot start it")
    }
    if result.status == 127 {
      throw SweepError(path: program, message: "not found on PATH; is this a Slurm login node? "
                       + "(--executor local runs the sweep here)")
    }
    return (result.status, String(decoding: result.output, as: UTF8.self), result.errors)
  }

  /// Submits `script` (a file) with `arguments`; the job id.
  func submit(_ script: String, _ arguments: [String] = []) throws -> String {
    let (status, output, errors) = try Self.run("sbatch", ["--parsable"] + arguments + [script])
    guard status == 0, let id = SlurmQueue.submittedJob(output) else {
      throw SweepError(path: script, message: "sbatch refused it (exit \(status)): "
                       + errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return id
  }

  /// The jobs among `jobs` that Slurm still queues or runs (array tasks one by one).
  func queued(_ jobs: [String]) throws -> [SlurmQueue.Entry] {
    let (status, output, errors) = try Self.run(
      "squeue", ["--noheader", "--array", "--jobs=" + jobs.joined(separator: ","),
                 "--format=" + SlurmQueue.squeueFormat])
    // squeue fails when none of the jobs is known any more: they all ended long enough ago.
    if status != 0 && errors.contains("Invalid job id") { return [] }
    guard status == 0 else {
      throw SweepError(path: "squeue", message: "exit \(status): "
                       + errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return try SlurmQueue.entries(output)
  }

  /// What Slurm remembers of `job` (`12` or an array task `12_3`); nil once it has forgotten.
  func record(_ job: String) throws -> SlurmQueue.JobRecord? {
    let (status, output, _) = try Self.run("scontrol", ["--oneliner", "show", "job", job])
    guard status == 0 else { return nil }
    return SlurmQueue.records(output).first
  }

  func cancel(_ job: String) throws {
    let (status, _, errors) = try Self.run("scancel", [job])
    if status != 0 {
      throw SweepError(path: "scancel", message: "cannot cancel job \(job): "
                       + errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}
