import CIL
import Foundation
import Testing
@testable import Pipeline
@testable import StrataCommands

/// The generated batch scripts, the Slurm options of `strata verify` and `strata run`, and the
/// sweep settings the jobs read back.
@Suite struct SlurmBatchScriptTests {
  static let scripts = SlurmBatchScript(
    executable: "/opt/strata/bin/strata", settingsFile: "/shared/q/runs/slurm/sweep.json",
    logDirectory: "/shared/q/runs/slurm", workingDirectory: "/home/ada/my project",
    cpusPerTask: 4,
    site: .init(partition: "cpu", time: "4:00:00", memory: "8G", account: "cil",
                extra: ["--qos=long", "--constraint=avx2"]))

  @Test func arrayScript() {
    #expect(Self.scripts.array(indices: [0, 1, 2, 5], limit: 2) == """
      #!/bin/bash
      # Strata verification sweep: array task i trains run i of the sweep in
      # /shared/q/runs/slurm/sweep.json, writing its record, log and status file under runs/.
      #SBATCH --job-name=strata-verify
      #SBATCH --array=0-2,5%2
      #SBATCH --ntasks=1
      #SBATCH --cpus-per-task=4
      #SBATCH --output=/shared/q/runs/slurm/%A_%a.out
      #SBATCH --chdir='/home/ada/my project'
      #SBATCH --partition=cpu
      #SBATCH --account=cil
      #SBATCH --time=4:00:00
      #SBATCH --mem=8G
      #SBATCH --qos=long
      #SBATCH --constraint=avx2

      # The sweep's fixed thread count: a rerun reproduces the run it replaces bit for bit.
      export OMP_NUM_THREADS=4
      exec /opt/strata/bin/strata sweep task /shared/q/runs/slurm/sweep.json "$SLURM_ARRAY_TASK_ID"

      """)
  }

  @Test func mergeScript() {
    let plain = SlurmBatchScript(executable: "/s", settingsFile: "/q/sweep.json", logDirectory: "/q",
                                 workingDirectory: "/w", cpusPerTask: 2, site: .init())
    #expect(plain.merge(reportDirectory: nil) == """
      #!/bin/bash
      # Strata verification merge: runs once every array task succeeded (afterok) and joins
      # the runs into verify.h5.
      #SBATCH --job-name=strata-merge
      #SBATCH --ntasks=1
      #SBATCH --cpus-per-task=1
      #SBATCH --output=/q/merge-%j.out
      #SBATCH --chdir=/w

      set -e
      /s sweep merge /q/sweep.json

      """)
    let withReport = Self.scripts.merge(reportDirectory: "/shared/q")
    #expect(withReport.hasSuffix("sweep merge /shared/q/runs/slurm/sweep.json\n"
      + "/opt/strata/bin/strata report /shared/q\n"))
    #expect(withReport.contains("#SBATCH --partition=cpu\n") && withReport.contains("#SBATCH --qos=long\n"))
    #expect(!withReport.contains("--array") && !withReport.contains("--dependency"))
    #expect(SlurmBatchScript.mergeDependency(arrayJob: "12")
      == ["--dependency=afterok:12", "--kill-on-invalid-dep=yes"])
  }

  @Test func quoting() {
    let q = Self.scripts.quoted
    #expect(q("/a/b_c-1.json") == "/a/b_c-1.json")
    #expect(q("/a b") == "'/a b'")
    #expect(q("it's") == #"'it'\''s'"#)
    #expect(q("$HOME") == "'$HOME'")
  }

  @Test func verifyOptions() throws {
    let verify = try #require(try Strata.parseAsRoot(
      ["verify", "s.json", "--executor", "slurm", "--partition", "cpu", "--time", "1:00:00",
       "--mem", "4G", "--account", "a", "--cpus-per-task", "2", "--sbatch-arg", "--qos=long",
       "--sbatch-arg=--constraint=avx2", "--jobs", "3"]) as? VerifyCommand)
    #expect(verify.slurm.executor == .slurm && verify.jobs == 3)
    #expect(verify.slurm.site == .init(partition: "cpu", time: "1:00:00", memory: "4G", account: "a",
                                       extra: ["--qos=long", "--constraint=avx2"]))
    #expect(verify.slurm.cpusPerTask == 2)
    let local = try #require(try Strata.parseAsRoot(["verify", "s.json"]) as? VerifyCommand)
    #expect(local.slurm.executor == .local && local.jobs == nil)
    for bad in [["--partition", "cpu"], ["--executor", "pbs"],
                ["--executor", "slurm", "--cpus-per-task", "0"],
                ["--executor", "slurm", "--sbatch-arg", "qos=long"],
                ["--executor", "slurm", "--time", "1:00\necho hi"]] {
      #expect(throws: (any Error).self, "\(bad)") { try Strata.parseAsRoot(["verify", "s.json"] + bad) }
    }
    #expect(Strata.helpMessage(for: VerifyCommand.self).contains("--partition cpu --time 4:00:00 --mem 8G --cpus-per-task 4"))
  }

  @Test func runPassesSlurmOptionsToVerify() throws {
    let run = try #require(try Strata.parseAsRoot(
      ["run", "s.json", "--executor", "slurm", "--mem", "4G", "--sbatch-arg=--qos=long"]) as? RunCommand)
    let arguments = run.slurm.arguments
    #expect(arguments == ["--executor", "slurm", "--mem", "4G", "--sbatch-arg=--qos=long",
                          "--poll-interval", "10.0"])
    let verify = try #require(try Strata.parseAsRoot(["verify", "s.json"] + arguments) as? VerifyCommand)
    #expect(verify.slurm.site == run.slurm.site && verify.slurm.executor == .slurm)
    let local = try #require(try Strata.parseAsRoot(["run", "s.json"]) as? RunCommand)
    #expect(local.slurm.arguments == ["--executor", "local"])
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["run", "s.json", "--account", "a"]) }
  }

  @Test func sweepSettingsRoundTrip() throws {
    try SplitCommandTests.withDirectory { directory in
      let merge = VerificationMerge(
        sweep: VerificationSweep(
          specFile: "spec.json", directory: "out",
          candidates: [.init(split: "stem", learner: .der, role: "DER"),
                       .init(split: "stage3.block1", learner: .memo, role: "recommended")],
          budgets: [24_684_160], seeds: [1993, 1994], fits: [[0], [1]]),
        judged: "stage3.block1", metric: "last", tolerance: 0.02, commandLine: "strata verify spec.json",
        recommended: "stage3.block1")
      // DER does not fit: only the MEMO split's two seeds are runs, each sharing its task 0.
      #expect(merge.sweep.points.map(\.name) == ["stage3.block1__b24684160__s1993",
                                                 "stage3.block1__b24684160__s1994"])
      #expect(merge.sweep.task(merge.sweep.points[0]).arguments.suffix(2) == ["--task0-dir", "out/runs"])
      let absolute = SlurmExecutor.absolute(merge)
      let cwd = FileManager.default.currentDirectoryPath
      #expect(absolute.sweep.specFile == cwd + "/spec.json" && absolute.sweep.directory == cwd + "/out")
      #expect(absolute.sweep.points.map(\.name) == merge.sweep.points.map(\.name))
      let path = directory + "/slurm/sweep.json"
      try absolute.save(to: path)
      #expect(try VerificationMerge.load(path) == absolute)
      try #"{"sweep": {"specFile": "s", "directory": "d", "candidates": [{"split": "stem", "learner": "lwf", "role": "x"}], "budgets": [1], "seeds": [1]}, "metric": "average", "tolerance": 0, "commandLine": ""}"#
        .write(toFile: path, atomically: true, encoding: .utf8)
      let error = try #require(throws: SweepError.self) { try VerificationMerge.load(path) }
      #expect(error.description.hasPrefix(path) && error.description.contains("lwf"))
    }
  }
}
