import CIL
import Foundation
import Recording
import Testing
@testable import Pipeline
@testable import StrataCommands

/// Two `strata train` processes of one seed started side by side with one --task0-dir (as a
/// sweep's local jobs or Slurm array tasks): one trains task 0 and writes the file, the other
/// continues from it (the lock is a flock, so processes wait as threads do; PipelineTests'
/// TaskZeroSharingTests forces the overlap with threads).
@Suite(.serialized) struct TaskZeroProcessTests {
  @Test(.enabled(if: VerifyCommandTests.hasFashionMNIST))
  func twoProcessesTrainTaskZeroOnce() throws {
    try SplitCommandTests.withDirectory { directory in
      try VerifyCommandTests.architecture.write(toFile: directory + "/tiny28.json",
                                                atomically: true, encoding: .utf8)
      let shared = directory + "/task0"
      let processes = try ["none", "stage2.block1"].map { split -> (Process, String) in
        let spec = directory + "/\(split).json"
        try VerifyCommandTests.spec(architecture: "tiny28.json")
          .replacingOccurrences(of: #""model_name": "memo","#,
                                with: #""model_name": "memo", "split": "\#(split)","#)
          .write(toFile: spec, atomically: true, encoding: .utf8)
        let log = directory + "/\(split).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try StrataExecutable.path())
        process.arguments = ["train", spec, "--output", directory + "/\(split).h5", "--quiet",
                             "--task0-dir", shared]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        return (process, log)
      }
      for (process, _) in processes { try process.run() }
      for (process, _) in processes { process.waitUntilExit() }
      let logs = processes.map { (try? String(contentsOfFile: $0.1, encoding: .utf8)) ?? "" }
      for (i, (process, _)) in processes.enumerated() {
        #expect(process.terminationStatus == 0, "\(logs[i])")
      }
      let trained = logs.filter { $0.contains("trained task 0 and wrote \(shared)/task0-") }
      let reused = logs.filter { $0.contains("task 0 from \(shared)/task0-") }
      #expect(trained.count == 1 && reused.count == 1, "\(logs)")
      let forks = try FileManager.default.contentsOfDirectory(atPath: shared)
        .filter { $0.hasSuffix(".h5") }
      #expect(forks.count == 1, "\(forks)")
      // One task 0: both runs score it alike.
      let firsts = try ["none", "stage2.block1"].map {
        try TrainingRecord.read(directory + "/\($0).h5").cnn.total[0]
      }
      #expect(firsts[0] == firsts[1])
    }
  }
}
