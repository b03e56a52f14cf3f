import Foundation
import Testing
@testable import Pipeline
@testable import StrataCommands

/// Reading Slurm's answers: sbatch --parsable, squeue --array lines, scontrol one-liners (text
/// captured from Slurm 22.05 on the test cluster), array index lists.
@Suite struct SlurmQueueTests {
  @Test func submittedJob() {
    #expect(SlurmQueue.submittedJob("12\n") == "12")
    #expect(SlurmQueue.submittedJob("4711;cluster-a\n") == "4711")
    #expect(SlurmQueue.submittedJob("") == nil)
    #expect(SlurmQueue.submittedJob("sbatch: error: invalid partition specified: nope\n") == nil)
  }

  @Test func squeueLines() throws {
    // squeue --array --format='%F|%K|%T|%r' while one task runs, one waits for the limit and
    // the merge job waits for the array.
    let entries = try SlurmQueue.entries("""
      4|0|RUNNING|None
      4|3|PENDING|JobArrayTaskLimit
      5|N/A|PENDING|Dependency

      """)
    #expect(entries == [
      .init(jobID: "4", arrayTask: 0, state: "RUNNING", reason: "None"),
      .init(jobID: "4", arrayTask: 3, state: "PENDING", reason: "JobArrayTaskLimit"),
      .init(jobID: "5", arrayTask: nil, state: "PENDING", reason: "Dependency"),
    ])
    #expect(try SlurmQueue.entries("") == [])
    #expect(throws: SweepError.self) { try SlurmQueue.entries("4 RUNNING\n") }
    #expect(throws: SweepError.self) { try SlurmQueue.entries("4|x|RUNNING|None\n") }
  }

  @Test func scontrolRecords() {
    let text = """
      JobId=8 ArrayJobId=4 ArrayTaskId=3 ArrayTaskThrottle=2 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901758 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:03 TimeLimit=UNLIMITED WorkDir=/tmp StdErr=/tmp/slurm-dev/o_4_3.txt StdIn=/dev/null StdOut=/tmp/slurm-dev/o_4_3.txt Power=
      JobId=5 JobName=wrap UserId=root(0) JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:4_*(failed) ExitCode=0:0 Command=/bin/sh -c run me StdOut=/tmp/m_5.txt KillOInInvalidDependent=Yes
      JobId=4 ArrayJobId=4 ArrayTaskId=0,2-4%2 ArrayTaskThrottle=2 JobState=PENDING Reason=None ExitCode=0:0
      JobId=9 ArrayJobId=9 ArrayTaskId=1 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15
      """
    let records = SlurmQueue.records(text)
    #expect(records.count == 4)
    #expect(records[0] == .init(jobID: "8", arrayJobID: "4", arrayTasks: [3], state: "FAILED",
                                reason: "NonZeroExitCode", exitCode: 3, signal: 0,
                                standardOutput: "/tmp/slurm-dev/o_4_3.txt"))
    #expect(records[1].arrayJobID == nil && records[1].state == "CANCELLED"
      && records[1].reason == "DependencyNeverSatisfied" && records[1].standardOutput == "/tmp/m_5.txt")
    #expect(records[2].arrayTasks == [0, 2, 3, 4] && records[2].state == "PENDING")
    #expect(records[3].exitCode == 0 && records[3].signal == 15)
    #expect(SlurmQueue.records("slurm_load_jobs error: Invalid job id specified\n") == [])
  }

  @Test func finalStates() {
    for state in ["COMPLETED", "FAILED", "CANCELLED", "CANCELLED by 0", "TIMEOUT", "OUT_OF_MEMORY",
                  "NODE_FAIL"] {
      #expect(SlurmQueue.isFinal(state), "\(state)")
    }
    for state in ["PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "REQUEUED", "SUSPENDED"] {
      #expect(!SlurmQueue.isFinal(state), "\(state)")
    }
  }

  @Test func arrayIndices() {
    #expect(SlurmQueue.indices("0,2-4%2") == [0, 2, 3, 4])
    #expect(SlurmQueue.indices("7") == [7])
    #expect(SlurmQueue.indices("0-7:3") == [0, 3, 6])
    for bad in ["", "x", "4-2", "1-2-3", "0-4:0"] {
      #expect(SlurmQueue.indices(bad) == nil, "\(bad)")
    }
    #expect(SlurmQueue.arraySpecification([0, 1, 2, 5], limit: 2) == "0-2,5%2")
    #expect(SlurmQueue.arraySpecification([9, 3, 4, 7], limit: nil) == "3-4,7,9")
    #expect(SlurmQueue.arraySpecification([1], limit: nil) == "1")
    // Round trip for any subset.
    let subset = [0, 1, 3, 4, 5, 8, 10, 11]
    #expect(SlurmQueue.indices(SlurmQueue.arraySpecification(subset, limit: 3)) == subset)
  }

  @Test func failureDescriptions() {
    let log = "/d/runs/x.h5.log"
    let fromStatus = SlurmTaskEnd(
      outcome: .init(name: "x", exitCode: 3, signal: nil, seconds: 1, log: log), job: "12_3",
      state: nil, slurmOutput: "/d/runs/slurm/12_3.out")
    #expect(!fromStatus.succeeded)
    #expect(fromStatus.description
      == "x failed with exit code 3; see /d/runs/x.h5.log (Slurm job 12_3, output /d/runs/slurm/12_3.out)")
    let killed = SlurmTaskEnd(
      outcome: .init(name: "x", exitCode: nil, signal: 15, seconds: 0, log: log), job: "12_3",
      state: "TIMEOUT", slurmOutput: "/d/runs/slurm/12_3.out")
    #expect(!killed.succeeded)
    #expect(killed.description == "x failed: Slurm job 12_3 ended TIMEOUT with signal 15; see "
      + "/d/runs/x.h5.log and /d/runs/slurm/12_3.out")
    // Cancelled before it started: exit 0 from Slurm, yet not a success.
    let cancelled = SlurmTaskEnd(
      outcome: .init(name: "x", exitCode: 0, signal: nil, seconds: 0, log: log), job: "12_3",
      state: "CANCELLED", slurmOutput: "/o")
    #expect(!cancelled.succeeded)
    let done = SlurmTaskEnd(outcome: .init(name: "x", exitCode: 0, signal: nil, seconds: 2, log: log),
                            job: "12_3", state: nil, slurmOutput: "/o")
    #expect(done.succeeded)
  }
}
