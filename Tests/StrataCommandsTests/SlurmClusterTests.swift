import Foundation
import HDF5
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// The Slurm executor on a real one-node cluster started on this machine
/// (scripts/slurm-cluster): a tiny verification sweep through Slurm with one run failing on
/// purpose, its report, the resubmission of only that run, and a merged file whose datasets
/// equal the local executor's for the same sweep.
///
/// Needs root and Debian's slurmctld, slurmd, slurm-client and munge (scripts/install-deps).
/// Without them the test is skipped and says so; CI sets STRATA_REQUIRE_SLURM=1, which makes
/// a missing cluster a failure instead.
@Suite(.serialized) struct SlurmClusterTests {
  static let programs = ["munged", "slurmctld", "slurmd", "sinfo", "sbatch", "squeue", "scontrol",
                         "scancel"]

  static var missing: [String] {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
    return programs.filter { program in
      !path.split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
      }
    }
  }

  static var usable: Bool { missing.isEmpty && getuid() == 0 }
  static var required: Bool { ProcessInfo.processInfo.environment["STRATA_REQUIRE_SLURM"] == "1" }

  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts/slurm-cluster").path

  /// VerifyCommandTests' tiny network and spec in `directory`; the spec's path.
  static func tinySpec(in directory: String, learner: String = "memo") throws -> String {
    try VerifyCommandTests.architecture.write(toFile: directory + "/tiny28.json",
                                              atomically: true, encoding: .utf8)
    let spec = directory + "/\(learner).json"
    try VerifyCommandTests.spec(architecture: "tiny28.json")
      .replacingOccurrences(of: #""model_name": "memo""#, with: #""model_name": "\#(learner)""#)
      .write(toFile: spec, atomically: true, encoding: .utf8)
    return spec
  }

  /// Every dataset of the file's root group, values as bit patterns (NaN equals NaN).
  static func datasets(_ path: String) throws -> [String: [String]] {
    let root = try HDF5File.open(path).root
    var result: [String: [String]] = [:]
    for name in try root.childNames() where try root.kind(of: name) == .dataset {
      let dataset = try root.openDataset(name)
      let shape = try dataset.shape().map(String.init).joined(separator: "x")
      let values: [String]
      switch try dataset.elementType() {
      case .float64: values = try dataset.read(Double.self).map { String($0.bitPattern) }
      case .float32: values = try dataset.read(Float.self).map { String($0.bitPattern) }
      case .int64: values = try dataset.read(Int64.self).map(String.init)
      case .int32: values = try dataset.read(Int32.self).map(String.init)
      case .uint8: values = try dataset.read(UInt8.self).map(String.init)
      case .string: values = try dataset.read(String.self)
      case nil: values = ["unreadable type"]
      }
      result[name] = [shape] + values
    }
    return result
  }

  /// In the runs' logs of a sweep folder: how many runs trained task 0 and how many continued
  /// from a task 0 another run had trained.
  static func taskZeroLines(_ runs: String) throws -> [Int] {
    let logs = try FileManager.default.contentsOfDirectory(atPath: runs)
      .filter { $0.hasSuffix(".h5.log") }
      .map { (try? String(contentsOfFile: runs + "/" + $0, encoding: .utf8)) ?? "" }
    return ["trained task 0 and wrote ", "task 0 from "].map { line in
      logs.map { $0.components(separatedBy: line).count - 1 }.reduce(0, +)
    }
  }

  /// Starts a cluster in a temporary folder, runs `body` with the folder and the environment
  /// its clients need, and stops the daemons. Fails when STRATA_REQUIRE_SLURM=1 and no cluster
  /// can run.
  static func withCluster(_ body: (String, [String: String]) throws -> Void) throws {
    guard usable else {
      let why = getuid() == 0 ? "missing \(missing.joined(separator: ", "))" : "not root"
      Issue.record("STRATA_REQUIRE_SLURM=1, but the Slurm test cannot run: \(why)")
      return
    }
    try SplitCommandTests.withDirectory { directory in
      let cluster = directory + "/cluster"
      let start = try StrataTestSupport.ChildProcess.run(script, ["start", cluster])
      defer {
        let stop = try? StrataTestSupport.ChildProcess.run(script, ["stop", cluster])
        #expect(stop?.status == 0, "stopping the cluster: \(stop?.errors ?? "did not run")")
      }
      try #require(start.status == 0, "scripts/slurm-cluster start: \(start.errors)")
      var environment = ProcessInfo.processInfo.environment
      environment["SLURM_CONF"] = cluster + "/slurm.conf"
      environment["PATH"] = (environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
      try body(directory, environment)
    }
  }

  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST),
        .enabled(if: usable || required,
                 "needs root and Debian's slurmctld, slurmd, slurm-client, munge (scripts/install-deps)"))
  func sweepThroughSlurm() throws {
    try Self.withCluster { directory, environment in
      let spec = try Self.tinySpec(in: directory)
      let executable = try StrataExecutable.path()
      func strata(_ arguments: [String], _ extra: [String: String] = [:]) throws -> StrataTestSupport.ChildProcess.Result {
        try StrataTestSupport.ChildProcess.run(executable, arguments, environment: environment.merging(extra) { $1 })
      }
      // Two candidates × two seeds: four runs. Both sweeps train at the same thread count.
      let threads = LocalExecutor.threads(jobs: 2)
      let sweepArguments = ["verify", spec, "--splits", "stage2.block1,none", "--seeds", "1993,1994"]
      let local = try strata(sweepArguments + ["--output-dir", directory + "/local", "--jobs", "2"])
      try #require(local.status == 0, "local sweep: \(local.errors)")
      #expect(try Self.taskZeroLines(directory + "/local/runs") == [2, 2], "local: task 0 once per seed")

      // Through Slurm, with run 1 failing on purpose.
      let out = directory + "/slurm"
      let slurmArguments = sweepArguments + ["--output-dir", out, "--executor", "slurm",
                                             "--cpus-per-task", "\(threads)", "--poll-interval", "0.3"]
      let verify = try #require(try Strata.parseAsRoot(slurmArguments) as? VerifyCommand)
      let sweep = try verify.plan().sweep
      let names = sweep.points.map(\.name)
      #expect(names.count == 4)
      let failing = names[1]
      let failed = try strata(slurmArguments, [SweepCommand.TaskStep.failHook: failing])
      #expect(failed.status == 1, "\(failed.errors)")
      let first = try #require(try SlurmExecutor.readSubmission(out + "/runs/slurm"))
      #expect(first.indices == [0, 1, 2, 3])
      let log = "\(out)/runs/\(failing).h5.log"
      #expect(failed.errors.contains(
        "error: \(failing) failed with exit code 3; see \(log) (Slurm job \(first.array)_1, "
        + "output \(out)/runs/slurm/\(first.array)_1.out)"), "\(failed.errors)")
      #expect(try String(contentsOfFile: log, encoding: .utf8).contains("fails on purpose"))
      #expect(failed.errors.contains("merge job \(first.merge) did not run: 1 of 4 runs failed"))
      for (i, name) in names.enumerated() where i != 1 {
        #expect(failed.errors.contains("\(name) done"), "\(name) reported")
      }
      #expect(!FileManager.default.fileExists(atPath: out + "/verify.h5"))
      func record(_ job: String) throws -> SlurmQueue.JobRecord? {
        let result = try StrataTestSupport.ChildProcess.run(
          "/usr/bin/env", ["scontrol", "--oneliner", "show", "job", job], environment: environment)
        return SlurmQueue.records(String(decoding: result.output, as: UTF8.self)).first
      }
      #expect(try record(first.merge)?.state == "CANCELLED", "the merge job never runs after a failed task")
      #expect(try record("\(first.array)_1")?.exitCode == 3)

      // --resume resubmits only the failed run and merges.
      let kept = try names.enumerated().filter { $0.offset != 1 }.map { entry in
        (entry.element, try RunCommandTests.modified("\(out)/runs/\(entry.element).h5"))
      }
      // The failed run's seed has its task 0 already (the other candidate of the seed trained
      // it): the resubmitted run continues from it and trains nothing again.
      let forks = try FileManager.default.contentsOfDirectory(atPath: out + "/runs")
        .filter { $0.hasPrefix("task0-") && $0.hasSuffix(".h5") }.sorted()
      #expect(forks.count == 2, "\(forks)")
      let forkDates = try forks.map { try RunCommandTests.modified("\(out)/runs/\($0)") }
      let resumed = try strata(slurmArguments + ["--resume"])
      #expect(resumed.status == 0, "\(resumed.errors)")
      let second = try #require(try SlurmExecutor.readSubmission(out + "/runs/slurm"))
      #expect(second.indices == [1] && second.array != first.array)
      #expect(resumed.errors.contains("submitted Slurm array job \(second.array) (1 run, indices 1)"))
      #expect(resumed.errors.contains("[1/1] \(failing) done"))
      #expect(resumed.errors.contains("merge job \(second.merge) done"))
      for (name, date) in kept {
        #expect(try RunCommandTests.modified("\(out)/runs/\(name).h5") == date, "\(name) not rerun")
      }
      let outputs = try FileManager.default.contentsOfDirectory(atPath: out + "/runs/slurm")
        .filter { $0.hasPrefix(second.array + "_") }
      #expect(outputs == ["\(second.array)_1.out"], "one array task in the resubmission")
      #expect(String(decoding: resumed.output, as: UTF8.self).contains("wrote \(out)/verify.h5"))
      #expect(try forks.map { try RunCommandTests.modified("\(out)/runs/\($0)") } == forkDates)
      #expect(try Self.taskZeroLines(out + "/runs") == [2, 2], "Slurm: task 0 once per seed")

      // The merged file equals the local one, dataset for dataset, bit for bit.
      let slurmData = try Self.datasets(out + "/verify.h5")
      let localData = try Self.datasets(directory + "/local/verify.h5")
      #expect(slurmData.keys.sorted() == localData.keys.sorted())
      #expect(slurmData.keys.contains("accuracy_cnn") && slurmData.keys.contains("exemplars"))
      for (name, values) in localData { #expect(slurmData[name] == values, "\(name)") }
      let slurmRecord = try VerifyFile.read(out + "/verify.h5")
      #expect(slurmRecord.verdict == (try VerifyFile.read(directory + "/local/verify.h5")).verdict)
      #expect(slurmRecord.provenance.commandLine.contains("--executor slurm"))
      #expect(slurmRecord.taskZeroTrainings == 2)
      #expect(try VerifyFile.read(directory + "/local/verify.h5").taskZeroTrainings == 2)

      // Everything complete: nothing to submit, and the merge runs here.
      try FileManager.default.removeItem(atPath: out + "/verify.h5")
      let again = try strata(slurmArguments + ["--resume"])
      #expect(again.status == 0 && again.errors.contains("every run is complete; merging here"),
              "\(again.errors)")
      #expect(try Self.datasets(out + "/verify.h5") == slurmData)
    }
  }

  /// `strata run --executor slurm`: probe and split here, the verification as a job array,
  /// and the merge job also writes the report, so the pipeline's report stage finds it done.
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST),
        .enabled(if: usable || required,
                 "needs root and Debian's slurmctld, slurmd, slurm-client, munge (scripts/install-deps)"))
  func pipelineThroughSlurm() throws {
    try Self.withCluster { directory, environment in
      let spec = try Self.tinySpec(in: directory, learner: "replay")
      let out = directory + "/run"
      let result = try StrataTestSupport.ChildProcess.run(
        try StrataExecutable.path(),
        ["run", spec, "--out", out, "--quiet", "--executor", "slurm", "--mem", "1G",
         "--poll-interval", "0.3"], environment: environment)
      #expect(result.status == 0, "\(result.errors)")
      for file in ["probes.h5", "split.json", "verify.h5", "report.html", "report.md"] {
        #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "no \(file)")
      }
      #expect(result.errors.contains("== report: complete, skipped"), "\(result.errors)")
      let submission = try #require(try SlurmExecutor.readSubmission(out + "/runs/slurm"))
      let merge = try String(contentsOfFile: "\(out)/runs/slurm/merge-\(submission.merge).out",
                             encoding: .utf8)
      #expect(merge.contains("wrote \(out)/verify.h5") && merge.contains("wrote \(out)/report.html"),
              "\(merge)")
      let script = try String(contentsOfFile: out + "/runs/slurm/array.sh", encoding: .utf8)
      #expect(script.contains("#SBATCH --mem=1G\n"))
      let record = try VerifyFile.read(out + "/verify.h5")
      #expect(record.runs.count == submission.indices.count)
    }
  }

  /// A follower killed while its jobs wait: `--resume` follows the same jobs instead of
  /// submitting them again. The jobs are submitted held (`--sbatch-arg=--hold`), so they are
  /// still queued whatever the timing, and released once the second follower has attached.
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST),
        .enabled(if: usable || required,
                 "needs root and Debian's slurmctld, slurmd, slurm-client, munge (scripts/install-deps)"))
  func resumeFollowsQueuedJobs() throws {
    try Self.withCluster { directory, environment in
      let spec = try Self.tinySpec(in: directory)
      let out = directory + "/held"
      let arguments = ["verify", spec, "--splits", "stage2.block1,none", "--output-dir", out,
                       "--executor", "slurm", "--poll-interval", "0.3", "--sbatch-arg=--hold"]
      func start(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try StrataExecutable.path())
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
      }
      func waitFor<T>(_ what: String, _ value: () throws -> T?) throws -> T {
        for _ in 0..<600 {
          if let value = try value() { return value }
          Thread.sleep(forTimeInterval: 0.1)
        }
        throw SweepError(path: directory, message: "waited 60 s for \(what)")
      }
      let first = try start(arguments, log: directory + "/first.log")
      let submission = try waitFor("the submission") {
        try SlurmExecutor.readSubmission(out + "/runs/slurm")
      }
      kill(first.processIdentifier, SIGKILL)
      first.waitUntilExit()

      let secondLog = directory + "/second.log"
      let second = try start(arguments + ["--resume"], log: secondLog)
      _ = try waitFor("the second follower") {
        (try? String(contentsOfFile: secondLog, encoding: .utf8))?
          .contains("following Slurm array job \(submission.array) and merge job \(submission.merge)")
          == true ? true : nil
      }
      let release = try StrataTestSupport.ChildProcess.run(
        "/usr/bin/env", ["scontrol", "release", submission.array, submission.merge],
        environment: environment)
      #expect(release.status == 0, "\(release.errors)")
      second.waitUntilExit()
      let log = (try? String(contentsOfFile: secondLog, encoding: .utf8)) ?? ""
      #expect(second.terminationStatus == 0, "\(log)")
      #expect(!log.contains("submitted Slurm"), "nothing submitted again")
      #expect(try SlurmExecutor.readSubmission(out + "/runs/slurm") == submission)
      #expect(log.contains("merge job \(submission.merge) done") && log.contains("wrote \(out)/verify.h5"))
    }
  }

  /// --dry-run prints both scripts and submits nothing (no cluster needed).
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func dryRunPrintsTheScripts() throws {
    try SplitCommandTests.withDirectory { directory in
      let spec = try Self.tinySpec(in: directory)
      let out = directory + "/q"
      let result = try StrataTestSupport.ChildProcess.run(try StrataExecutable.path(), [
        "verify", spec, "--splits", "stage2.block1,none", "--seeds", "1993,1994", "--output-dir",
        out, "--executor", "slurm", "--partition", "cpu", "--time", "0:30:00", "--jobs", "2",
        "--sbatch-arg=--qos=short", "--dry-run"])
      #expect(result.status == 0, "\(result.errors)")
      let text = String(decoding: result.output, as: UTF8.self)
      for line in ["#SBATCH --array=0-3%2", "#SBATCH --partition=cpu", "#SBATCH --time=0:30:00",
                   "#SBATCH --qos=short", "#SBATCH --cpus-per-task=1", "export OMP_NUM_THREADS=1",
                   "sweep task \(out)/runs/slurm/sweep.json \"$SLURM_ARRAY_TASK_ID\"",
                   "sbatch --parsable --dependency=afterok:ARRAY_JOB_ID --kill-on-invalid-dep=yes",
                   "sweep merge \(out)/runs/slurm/sweep.json"] {
        #expect(text.contains(line), "\(line)\n\(text)")
      }
      for file in ["slurm/sweep.json", "slurm/jobs.json", "slurm/array.sh", "threads"] {
        #expect(!FileManager.default.fileExists(atPath: "\(out)/runs/\(file)"), "dry run wrote \(file)")
      }
    }
  }
}
