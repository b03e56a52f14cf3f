import Foundation

/// The two batch scripts of a sweep on Slurm. The array script runs task i of the sweep (in
/// `settingsFile`) as array index i; the merge script joins the runs into verify.h5 (and, under
/// `strata run`, writes the report) once the array succeeded — its dependency is given on the
/// `sbatch` command line, because the array's job id is known only then. Every path is absolute:
/// the jobs run on other machines that share the filesystem.
public struct SlurmBatchScript: Equatable, Sendable {
  /// Site options, each an `#SBATCH` line of both scripts.
  public struct Site: Equatable, Sendable {
    var partition: String?
    var time: String?
    var memory: String?
    var account: String?
    /// Further `sbatch` arguments as given (`--qos=long`, `--constraint=avx2`).
    var extra: [String] = []
  }

  var executable: String
  /// The sweep's settings (`VerificationMerge` as JSON).
  var settingsFile: String
  /// Where Slurm writes the jobs' own output.
  var logDirectory: String
  var workingDirectory: String
  var cpusPerTask: Int
  var site: Site

  /// Runs of the array, `sbatch --array` with an optional limit of tasks running at once.
  func array(indices: [Int], limit: Int?) -> String {
    lines([
      "#!/bin/bash",
      "# Strata verification sweep: array task i trains run i of the sweep in",
      "# \(settingsFile), writing its record, log and status file under runs/.",
      "#SBATCH --job-name=strata-verify",
      "#SBATCH --array=\(SlurmQueue.arraySpecification(indices, limit: limit))",
      "#SBATCH --ntasks=1",
      "#SBATCH --cpus-per-task=\(cpusPerTask)",
      "#SBATCH --output=\(quoted(logDirectory + "/%A_%a.out"))",
    ] + common + [
      "",
      "# The sweep's fixed thread count: a rerun reproduces the run it replaces bit for bit.",
      "export OMP_NUM_THREADS=\(cpusPerTask)",
      "exec \(quoted(executable)) sweep task \(quoted(settingsFile)) \"$SLURM_ARRAY_TASK_ID\"",
    ])
  }

  /// The merge job; `reportDirectory` adds `strata report` (under `strata run`).
  func merge(reportDirectory: String?) -> String {
    var body = [
      "#!/bin/bash",
      "# Strata verification merge: runs once every array task succeeded (afterok) and joins",
      "# the runs into verify.h5.",
      "#SBATCH --job-name=strata-merge",
      "#SBATCH --ntasks=1",
      "#SBATCH --cpus-per-task=1",
      "#SBATCH --output=\(quoted(logDirectory + "/merge-%j.out"))",
    ] + common + [
      "",
      "set -e",
      "\(quoted(executable)) sweep merge \(quoted(settingsFile))",
    ]
    if let reportDirectory {
      body.append("\(quoted(executable)) report \(quoted(reportDirectory))")
    }
    return lines(body)
  }

  /// `sbatch` arguments of the merge job, after the array job `arrayJob`.
  static func mergeDependency(arrayJob: String) -> [String] {
    ["--dependency=afterok:\(arrayJob)", "--kill-on-invalid-dep=yes"]
  }

  private var common: [String] {
    var lines = ["#SBATCH --chdir=\(quoted(workingDirectory))"]
    if let partition = site.partition { lines.append("#SBATCH --partition=\(partition)") }
    if let account = site.account { lines.append("#SBATCH --account=\(account)") }
    if let time = site.time { lines.append("#SBATCH --time=\(time)") }
    if let memory = site.memory { lines.append("#SBATCH --mem=\(memory)") }
    lines += site.extra.map { "#SBATCH \($0)" }
    return lines
  }

  private func lines(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

  /// A word for bash (and for sbatch's `#SBATCH` reader): plain when it is safe, otherwise in
  /// single quotes.
  func quoted(_ word: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+%:=,@")
    if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
