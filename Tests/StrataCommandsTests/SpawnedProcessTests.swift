import Foundation
import Testing
@testable import Pipeline
@testable import StrataCommands

/// Sweep children stay in the parent's process group (so a Ctrl-C or a group kill reaches them),
/// report exit codes and signals, stop when their parent dies, and never share a results folder.
@Suite struct SpawnedProcessTests {
  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("strata-\(name)-\(UUID().uuidString)").path
  }

  static func spawn(_ script: String, log: String, environment: [String: String] = [:])
    throws -> SpawnedProcess
  {
    try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", script],
                       environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                       log: log)
  }

  @Test func sameProcessGroupExitCodesSignalsAndLog() throws {
    let log = Self.temporary("spawn-log")
    defer { try? FileManager.default.removeItem(atPath: log) }
    let child = try Self.spawn("echo out; echo err >&2; sleep 0.3; exit 3", log: log)
    #expect(getpgid(child.pid) == getpgid(0), "the child left the parent's process group")
    child.wait()
    #expect(child.exitCode == 3 && child.signal == nil)
    #expect(try String(contentsOfFile: log, encoding: .utf8) == "out\nerr\n")
    let killed = try Self.spawn("kill -TERM $$; sleep 5", log: log)
    killed.wait()
    #expect(killed.exitCode == nil && killed.signal == SIGTERM)
  }

  @Test func aMissingExecutableIsAnErrorNamingIt() {
    #expect(throws: SweepError.self) {
      try SpawnedProcess(executable: "/nonexistent/strata", arguments: [], environment: [:], log: "/dev/null")
    }
  }

  /// A `strata` child whose recorded parent is gone stops at once rather than train on.
  @Test func aChildWhoseParentIsGoneStops() throws {
    let log = Self.temporary("orphan-log")
    defer { try? FileManager.default.removeItem(atPath: log) }
    // PID 1 is never this child's parent.
    let child = try SpawnedProcess(
      executable: try StrataExecutable.path(), arguments: ["train", "/nonexistent.json"],
      environment: ["STRATA_PARENT_PID": "1"], log: log)
    child.wait()
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(child.signal == SIGKILL, "exit \(String(describing: child.exitCode)): \(output)")
  }

  /// A second `strata train` into a checkpoint folder another process holds is refused with a
  /// message naming the folder and the holder, and changes nothing.
  @Test func aHeldCheckpointFolderIsRefused() throws {
    let directory = Self.temporary("locked")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let log = directory + "/holder.log"
    // Holds the lock as `strata` does (flock on .strata-lock) for 20 s, in another process.
    let holder = try Self.spawn(
      "exec 9>\(directory)/.strata-lock; flock -x 9; echo 'pid 42: a holder' >&9; sleep 20",
      log: log)
    defer { kill(holder.pid, SIGKILL); holder.wait() }
    usleep(300_000)
    let (status, output) = try RunCommandTests.strata(
      ["train", "/nonexistent.json", "--output", directory + "/run.h5", "--checkpoint-dir", directory])
    #expect(status != 0)
    #expect(output.contains("\(directory) is in use by another Strata process (pid 42: a holder)"),
            "\(output)")
    #expect(!FileManager.default.fileExists(atPath: directory + "/run.h5"))
  }
}
