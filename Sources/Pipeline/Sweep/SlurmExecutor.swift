import Foundation

/// Runs a verification sweep on Slurm: the runs not yet complete become one job array (array
/// index i is run i of the sweep, so a resubmission names only the missing indices), and a
/// merge job waits for the whole array (`afterok`; Slurm cancels it when a task fails). The
/// tasks are the local executor's — the same `strata train`, record, log and status file —
/// run by `strata sweep task` on the compute nodes, so the merged file is the same too.
///
/// Strata follows the jobs itself with `squeue` and `scontrol` (not `sbatch --wait`, which polls
/// coarsely and exits 0 when a dependent job is cancelled), prints each task's progress and
/// reports each failure with its log and exit code. The submission is kept in
/// `runs/slurm/jobs.json`, so a `--resume` while its jobs are still queued follows them instead
/// of submitting them twice.
public struct SlurmExecutor {
  var executable: String
  var options: SlurmSettings
  /// Array tasks running at once (`--jobs`); nil for Slurm's own limits.
  var limit: Int?
  /// Under `strata run`: the run folder, whose report the merge job writes.
  var reportDirectory: String?
  var log: StageLog
  var client = SlurmClient()

  public init(executable: String, options: SlurmSettings, limit: Int?, reportDirectory: String?,
              log: StageLog)
  {
    self.executable = executable
    self.options = options
    self.limit = limit
    self.reportDirectory = reportDirectory
    self.log = log
  }

  /// The job ids of one submission and the sweep indices its array runs.
  struct Submission: Codable, Equatable {
    var array: String
    var merge: String
    var indices: [Int]
    var jobs: [String] { [array, merge] }
  }

  public enum Result: Equatable {
    /// The merge job wrote verify.h5.
    case merged
    /// Every run was complete already: the caller merges.
    case nothingToRun
    /// Failures were reported.
    case failed
  }

  /// `merge.sweep` with absolute paths (the jobs may start in another folder).
  static func absolute(_ merge: VerificationMerge) -> VerificationMerge {
    var merge = merge
    func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
    merge.sweep.specFile = absolute(merge.sweep.specFile)
    merge.sweep.directory = absolute(merge.sweep.directory)
    return merge
  }

  /// Failed squeue calls in a row before Strata stops following (the jobs keep running;
  /// `--resume` follows them again).
  static let patience = 5

  /// Pending reasons of a job that will start in its turn.
  static let usualWaits: Set<String> = ["None", "Priority", "Resources", "JobArrayTaskLimit",
                                        "Dependency", "BeginTime"]

  public static func folder(_ sweep: VerificationSweep) -> String { sweep.runsDirectory + "/slurm" }

  /// The batch scripts' settings for `sweep`. `dryRun`: the thread count is read, never
  /// recorded, and the convolution setting is left as it is.
  func scriptSettings(_ sweep: VerificationSweep, dryRun: Bool) throws -> SlurmBatchScript {
    let folder = Self.folder(sweep)
    let threads = dryRun ? try sweep.recordedThreads() ?? options.cpusPerTask ?? 1
      : try sweep.threads(proposed: options.cpusPerTask ?? 1)
    if !dryRun { _ = try sweep.fixedConvolution(log: log) }
    if let asked = options.cpusPerTask, asked != threads {
      log.warning("the sweep runs at \(threads) threads since its first start, so its "
                      + "results stay reproducible; --cpus-per-task \(asked) is not used")
    }
    return SlurmBatchScript(
      executable: executable, settingsFile: folder + "/sweep.json", logDirectory: folder,
      workingDirectory: sweep.directory, cpusPerTask: threads,
      site: options.site)
  }

  /// One submission of the sweep's missing runs: the array indices, the array's task limit
  /// and the two batch scripts with their files.
  struct Batch {
    var pending: [Int]
    var limit: Int?
    var array: String
    var merge: String
    var arrayFile: String
    var mergeFile: String
  }

  /// The batch of the runs not yet complete; nil when every run is.
  func pendingBatch(_ sweep: VerificationSweep, _ scripts: SlurmBatchScript) -> Batch? {
    let pending = sweep.points.indices.filter { !sweep.isComplete(sweep.task(sweep.points[$0])) }
    if pending.isEmpty { return nil }
    // A limit of at least the array's size limits nothing.
    let limit = limit.flatMap { $0 < pending.count ? $0 : nil }
    let folder = Self.folder(sweep)
    return Batch(
      pending: pending, limit: limit, array: scripts.array(indices: pending, limit: limit),
      merge: scripts.merge(reportDirectory: reportDirectory.map {
        URL(fileURLWithPath: $0).standardizedFileURL.path
      }),
      arrayFile: folder + "/array.sh", mergeFile: folder + "/merge.sh")
  }

  /// `--dry-run`: the batch scripts `run` would submit, each after a comment naming its file
  /// and the `sbatch` that submits it; nil when every run is complete. Writes nothing.
  public func batchScripts(_ merge: VerificationMerge) throws -> String? {
    let sweep = Self.absolute(merge).sweep
    guard let batch = pendingBatch(sweep, try scriptSettings(sweep, dryRun: true)) else { return nil }
    let dependency = SlurmBatchScript.mergeDependency(arrayJob: "ARRAY_JOB_ID")
    return "# \(batch.arrayFile), submitted with: sbatch --parsable \(batch.arrayFile)\n"
      + batch.array + "\n"
      + "# \(batch.mergeFile), submitted with: sbatch --parsable "
      + "\(dependency.joined(separator: " ")) \(batch.mergeFile)\n"
      + batch.merge
  }

  /// Submits the runs not yet complete and the merge job and follows them to their end, or
  /// follows an earlier submission of this sweep that is still queued.
  public func run(_ merge: VerificationMerge) throws -> Result {
    let merge = Self.absolute(merge)
    let sweep = merge.sweep
    let folder = Self.folder(sweep)
    let scripts = try scriptSettings(sweep, dryRun: false)
    if let earlier = try Self.readSubmission(folder), !(try client.queued(earlier.jobs).isEmpty) {
      let saved = try? VerificationMerge.load(scripts.settingsFile)
      guard saved?.sweep == sweep else {
        throw SweepError(path: scripts.settingsFile, message: "Slurm jobs \(earlier.array) and "
          + "\(earlier.merge) still run this folder's sweep with other settings; wait for "
          + "them or cancel them (scancel \(earlier.array) \(earlier.merge))")
      }
      log.info("following Slurm array job \(earlier.array) and merge job \(earlier.merge), "
                   + "submitted earlier")
      return try follow(earlier, sweep: sweep, folder: folder)
    }
    guard let batch = pendingBatch(sweep, scripts) else { return .nothingToRun }
    let (pending, limit) = (batch.pending, batch.limit)
    let (array, mergeScript, arrayFile, mergeFile) = (batch.array, batch.merge, batch.arrayFile,
                                                      batch.mergeFile)
    try merge.save(to: scripts.settingsFile)
    for (file, text) in [(arrayFile, array), (mergeFile, mergeScript)] {
      do {
        try text.write(toFile: file, atomically: true, encoding: .utf8)
      } catch {
        throw SweepError(path: file, message: "cannot write the batch script: \(error)")
      }
    }
    // A status file left by an earlier attempt would read as this attempt's end.
    for index in pending {
      try? FileManager.default.removeItem(atPath: sweep.task(sweep.points[index]).statusFile)
    }
    let arrayJob = try client.submit(arrayFile)
    let mergeJob: String
    do {
      mergeJob = try client.submit(mergeFile, SlurmBatchScript.mergeDependency(arrayJob: arrayJob))
    } catch {
      // No array without its merge: nothing would follow or join it.
      try? client.cancel(arrayJob)
      throw error
    }
    let submission = Submission(array: arrayJob, merge: mergeJob, indices: pending)
    try Self.writeSubmission(submission, folder)
    log.info("submitted Slurm array job \(arrayJob) (\(pending.count) "
      + (pending.count == 1 ? "run" : "runs") + ", indices "
      + "\(SlurmQueue.arraySpecification(pending, limit: limit))) and merge job \(mergeJob); "
      + "Slurm's output in \(folder)", ["array_job": arrayJob, "merge_job": mergeJob])
    return try follow(submission, sweep: sweep, folder: folder)
  }

  /// Polls until the array has ended and the merge job has run or been cancelled.
  func follow(_ submission: Submission, sweep: VerificationSweep, folder: String) throws -> Result {
    var ended: [Int: SlurmTaskEnd] = [:]
    var states: [Int: String] = [:]  // as last printed
    var mergeState = "PENDING"
    var unanswered = 0
    while true {
      let entries: [SlurmQueue.Entry]
      do {
        entries = try client.queued(submission.jobs)
        unanswered = 0
      } catch {
        // A busy controller times out now and then; the jobs run on regardless.
        unanswered += 1
        guard unanswered < Self.patience else { throw error }
        log.warning("\(error); asking again")
        Thread.sleep(forTimeInterval: options.pollInterval)
        continue
      }
      var active: [Int: SlurmQueue.Entry] = [:]
      var mergeEntry: SlurmQueue.Entry?
      for entry in entries where !SlurmQueue.isFinal(entry.state) {
        if entry.jobID == submission.array, let index = entry.arrayTask {
          active[index] = entry
        } else if entry.jobID == submission.merge {
          mergeEntry = entry
        }
      }
      for index in submission.indices where ended[index] == nil {
        let name = sweep.points[index].name
        let job = "\(submission.array)_\(index)"
        if let entry = active[index] {
          // Waiting is news only for an unusual reason (a bad constraint, a held job).
          let state = entry.state == "PENDING" && !Self.usualWaits.contains(entry.reason)
            ? "pending (\(entry.reason))" : entry.state.lowercased()
          if state != states[index] && state != "pending" {
            log.info("\(name): \(state) (Slurm job \(job))")
          }
          states[index] = state
          continue
        }
        guard let end = try taskEnd(sweep.task(sweep.points[index]), job: job, folder: folder)
        else { continue }
        ended[index] = end
        let status = end.succeeded ? "done" : "FAILED"
        log.info("[\(ended.count)/\(submission.indices.count)] \(name) \(status) in "
                     + StageLog.duration(end.outcome.seconds),
                     ["run": name, "seconds": end.outcome.seconds, "slurm_job": job])
      }
      if ended.count == submission.indices.count {
        let failures = submission.indices.compactMap { ended[$0] }.filter { !$0.succeeded }
        if !failures.isEmpty {
          for failure in failures { log.error(failure.description) }
          if mergeEntry != nil {
            // afterok can no longer hold; --kill-on-invalid-dep normally cancels it already.
            try? client.cancel(submission.merge)
          }
          log.error("merge job \(submission.merge) did not run: \(failures.count) of "
            + "\(submission.indices.count) runs failed; after a fix, --resume resubmits only "
            + "the failed or missing runs")
          return .failed
        }
        if let mergeEntry {
          if mergeEntry.state != mergeState {
            log.info("merge job \(submission.merge): \(mergeEntry.state.lowercased())")
            mergeState = mergeEntry.state
          }
        } else {
          return try mergeEnd(submission.merge, sweep: sweep, folder: folder)
        }
      }
      Thread.sleep(forTimeInterval: options.pollInterval)
    }
  }

  /// How a task that left the queue ended: its status file, else Slurm's record (a job that
  /// Slurm killed — time limit, memory, node failure — writes no status file); nil while
  /// Slurm still finishes it.
  func taskEnd(_ task: SweepTask, job: String, folder: String) throws -> SlurmTaskEnd? {
    let output = "\(folder)/\(job).out"
    if let outcome = try? SweepJSON.read(SweepOutcome.self, from: task.statusFile,
                                         what: "a status file") {
      return SlurmTaskEnd(outcome: outcome, job: job, state: nil, slurmOutput: output)
    }
    guard let record = try client.record(job) else {
      return SlurmTaskEnd(outcome: .init(name: task.name, exitCode: nil, signal: nil, seconds: 0,
                                         log: task.log),
                          job: job, state: "UNKNOWN (no status file, and Slurm no longer knows the job)",
                          slurmOutput: output)
    }
    guard SlurmQueue.isFinal(record.state) else { return nil }
    return SlurmTaskEnd(
      outcome: .init(name: task.name, exitCode: record.signal == 0 ? record.exitCode : nil,
                     signal: record.signal == 0 ? nil : record.signal, seconds: 0, log: task.log),
      job: job, state: record.state, slurmOutput: output)
  }

  func mergeEnd(_ job: String, sweep: VerificationSweep, folder: String) throws -> Result {
    let output = "\(folder)/merge-\(job).out"
    let record = try client.record(job)
    let verify = sweep.directory + "/verify.h5"
    if record?.state == "COMPLETED"
      || (record == nil && FileManager.default.fileExists(atPath: verify))
    {
      log.info("merge job \(job) done")
      return .merged
    }
    let how = record.map { "\($0.state) with exit code \($0.exitCode)"
      + ($0.signal == 0 ? "" : ", signal \($0.signal)") } ?? "without verify.h5"
    log.error("merge job \(job) ended \(how); see \(output)")
    return .failed
  }

  static func readSubmission(_ folder: String) throws -> Submission? {
    try SweepJSON.read(Submission.self, from: folder + "/jobs.json", what: "a Slurm submission record")
  }

  static func writeSubmission(_ submission: Submission, _ folder: String) throws {
    try SweepJSON.write(submission, to: folder + "/jobs.json", what: "the Slurm submission record")
  }
}

/// How one array task ended.
struct SlurmTaskEnd: Equatable {
  var outcome: SweepOutcome
  /// `12_3`: array job and index.
  var job: String
  /// Slurm's final state when the task wrote no status file; nil when it did.
  var state: String?
  /// The job's own output (the task's runner; Slurm's messages such as a time limit).
  var slurmOutput: String

  var succeeded: Bool { outcome.succeeded && (state == nil || state == "COMPLETED") }

  /// "stage2.block1__b…__s1993 failed with exit code 3; see …/x.h5.log (Slurm job 12_3, output …)".
  var description: String {
    guard let state else {
      return outcome.failureDescription + " (Slurm job \(job), output \(slurmOutput))"
    }
    let code = outcome.signal.map { "signal \($0)" } ?? outcome.exitCode.map { "exit code \($0)" }
    return "\(outcome.name) failed: Slurm job \(job) ended \(state)"
      + (code.map { " with \($0)" } ?? "") + "; see \(outcome.log) and \(slurmOutput)"
  }
}
