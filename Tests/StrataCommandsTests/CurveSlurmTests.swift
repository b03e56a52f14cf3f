import Foundation
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// `strata curve --executor slurm`, in SlurmClusterTests' serialized suite (one cluster at a
/// time): the curve's runs as one job array whose merge job writes curve.h5 and the report,
/// equal dataset for dataset to the local executor's curve.
extension SlurmClusterTests {
  /// CurveRunTests' spec (a family of two tiny networks, two seeds) in `directory`.
  static func curveSpec(in directory: String) throws -> String {
    for (name, width) in [("tiny_a", 2), ("tiny_b", 4)] {
      try CurveRunTests.tiny(name, width: width)
        .write(toFile: "\(directory)/\(name).json", atomically: true, encoding: .utf8)
    }
    let spec = directory + "/run.json"
    try CurveRunTests.spec.write(toFile: spec, atomically: true, encoding: .utf8)
    return spec
  }

  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST),
        .enabled(if: usable || required,
                 "needs root and Debian's slurmctld, slurmd, slurm-client, munge (scripts/install-deps)"))
  func curveThroughSlurm() throws {
    try Self.withCluster { directory, environment in
      let spec = try Self.curveSpec(in: directory)
      func strata(_ arguments: [String]) throws -> StrataTestSupport.ChildProcess.Result {
        try StrataTestSupport.ChildProcess.run(try StrataExecutable.path(), ["curve", "--spec", spec]
                                               + arguments, environment: environment)
      }
      // Both curves train at one thread count, so their numbers agree bit for bit.
      let threads = LocalExecutor.threads(jobs: 2)
      let local = try strata(["--output-dir", directory + "/local", "--jobs", "2", "--quiet"])
      try #require(local.status == 0, "local curve: \(local.errors)")

      let out = directory + "/slurm"
      let result = try strata(["--output-dir", out, "--executor", "slurm", "--cpus-per-task",
                               "\(threads)", "--poll-interval", "0.3"])
      #expect(result.status == 0, "\(result.errors)")
      let submission = try #require(try SlurmExecutor.readSubmission(out + "/runs/slurm"))
      #expect(submission.indices == Array(0..<12), "3 methods × 2 points × 2 seeds")
      #expect(result.errors.contains("merge job \(submission.merge) done"), "\(result.errors)")
      // The merge job, not this process, wrote the curve and its report.
      let mergeOutput = try String(
        contentsOfFile: "\(out)/runs/slurm/merge-\(submission.merge).out", encoding: .utf8)
      #expect(mergeOutput.contains("wrote \(out)/curve.h5 and its report/"), "\(mergeOutput)")
      #expect(mergeOutput.contains("AUC-A"))
      #expect(try VerificationMerge.load(out + "/runs/slurm/sweep.json").curve != nil)
      for file in ["report.md", "report.html", "charts/accuracy_memory.svg",
                   "tables/curve_points.csv"] {
        #expect(FileManager.default.fileExists(atPath: "\(out)/report/\(file)"), "no \(file)")
      }
      #expect(!FileManager.default.fileExists(atPath: out + "/verify.h5"))

      let slurmData = try Self.datasets(out + "/curve.h5")
      let localData = try Self.datasets(directory + "/local/curve.h5")
      #expect(slurmData.keys.sorted() == localData.keys.sorted())
      #expect(slurmData.keys.contains("auc_mean") && slurmData.keys.contains("backbone"))
      for (name, values) in localData { #expect(slurmData[name] == values, "\(name)") }
      let curve = try CurveFile.read(out + "/curve.h5")
      #expect(curve.verification.taskZeroTrainings == 4, "MEMO and DER share task 0 on Slurm too")
      #expect(curve.verification.provenance.commandLine.contains("--executor slurm"))
    }
  }

  /// `--dry-run --executor slurm` prints the curve's batch scripts, with the merge that writes
  /// curve.h5, and submits and records nothing (no cluster needed).
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func curveDryRunPrintsTheScripts() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.curveSpec(in: directory)
      let out = directory + "/c"
      let result = try StrataTestSupport.ChildProcess.run(try StrataExecutable.path(), [
        "curve", "--spec", spec, "--output-dir", out, "--executor", "slurm", "--jobs", "3",
        "--dry-run"])
      #expect(result.status == 0, "\(result.errors)")
      let text = String(decoding: result.output, as: UTF8.self)
      for line in ["12 runs (memo, der, icarl × 2 points × 2 seeds", "#SBATCH --array=0-11%3",
                   "sweep task \(out)/runs/slurm/sweep.json \"$SLURM_ARRAY_TASK_ID\"",
                   "sweep merge \(out)/runs/slurm/sweep.json"] {
        #expect(text.contains(line), "\(line)\n\(text)")
      }
      for file in ["runs/slurm/sweep.json", "runs/slurm/jobs.json", "runs/threads", "curve.h5"] {
        #expect(!FileManager.default.fileExists(atPath: "\(out)/\(file)"), "dry run wrote \(file)")
      }
    }
  }
}
