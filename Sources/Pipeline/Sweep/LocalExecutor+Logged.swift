import Foundation

extension LocalExecutor {
  /// Runs the tasks not yet complete, one log line per finished run with an estimate of the time
  /// left, then every failure with its log. True when every run succeeded.
  func runLogged(_ tasks: [SweepTask], isComplete: (SweepTask) -> Bool, log: StageLog) throws
    -> Bool
  {
    let start = Date()
    let outcomes = try run(tasks, isComplete: isComplete) { outcome, done, total in
      // Runs of one sweep take about equally long: the rate so far predicts the rest.
      let elapsed = Date().timeIntervalSince(start)
      let left = done < total
        ? "; about \(StageLog.duration(elapsed / Double(done) * Double(total - done))) left" : ""
      log.info("[\(done)/\(total)] \(outcome.name) \(outcome.succeeded ? "done" : "FAILED") in "
               + StageLog.duration(outcome.seconds) + left,
               ["run": outcome.name, "seconds": outcome.seconds])
    }
    let failures = outcomes.filter { !$0.succeeded }
    for failure in failures { log.error(failure.failureDescription) }
    return failures.isEmpty
  }
}
