import CIL
import Foundation
import NN
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline

/// Task 0 once per seed when runs start side by side (issue 21): the first run of a key trains
/// task 0 under the lock and writes `task0-<digest>.h5`; a run of the same seed started while it
/// trains waits for the lock, finds the complete file and continues from it. A `.partial` left
/// by a killed writer, or a file that does not read back, is trained again.
@Suite(.serialized) struct TaskZeroSharingTests {
  static let data = CILTest.dataset()

  /// 3 tasks on the tiny network: MEMO at a middle split or DER, the same seed (one key).
  static func plan(_ kind: LearnerKind, split: String? = nil) throws -> RunPlan {
    try CILTest.plan(CILTest.spec(kind) {
      $0.initialEpochs = 4; $0.epochs = 2; $0.initialMilestones = [3]; $0.milestones = [1]
      $0.split = split
    })
  }

  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    try TrainStageTests.withDirectory { try body($0.path) }
  }

  /// What one side of the race saw: where its task 0 came from, when its call started and
  /// ended, and its run's accuracies as bit patterns.
  struct Side: Sendable {
    var source: TaskZeroSharing.Source
    var called: Date
    var returned: Date
    var accuracies: [[UInt64]]
  }

  static func bits(_ result: RunResult) -> [[UInt64]] {
    result.cnn.values.map { $0.map(\.bitPattern) } + [result.cnn.total.map(\.bitPattern)]
  }

  /// Runs `plan` through the sharing in `directory` to its end.
  static func side(_ plan: RunPlan, _ directory: String,
                   progress: ((EpochReport) -> Void)? = nil) throws -> Side
  {
    let called = Date()
    let (run, source) = try TaskZeroSharing.run(plan: plan, data: data, context: CILTest.context,
                                                directory: directory, commandLine: "test",
                                                progress: progress)
    let returned = Date()
    run.learner.prefetchesBatches = false
    return Side(source: source, called: called, returned: returned, accuracies: bits(try run.run()))
  }

  final class Outcomes: @unchecked Sendable {
    let lock = NSLock()
    var sides: [String: Result<Side, any Error>] = [:]
    func set(_ name: String, _ value: Result<Side, any Error>) {
      lock.lock(); defer { lock.unlock() }
      sides[name] = value
    }
  }

  static func forks(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory)
      .filter { $0.hasPrefix("task0-") && !$0.hasSuffix(".lock") }.sorted()
  }

  /// Two runs of one seed (MEMO at stage2.block1 and DER) on two threads: the second starts
  /// while the first is in its first task-0 epoch, holding the lock. Exactly one trains; the
  /// other waits, reuses the file, and ends with the results of an independent DER run.
  @Test func runsSideBySideTrainTaskZeroOnce() throws {
    let (memo, der) = (try Self.plan(.memo, split: "stage2.block1"), try Self.plan(.der))
    try Self.withDirectory { directory in
      let outcomes = Outcomes()
      let training = DispatchSemaphore(value: 0)
      let group = DispatchGroup()
      group.enter()
      Thread {
        var signalled = false
        outcomes.set("first", Result { try Self.side(memo, directory) { _ in
          guard !signalled else { return }
          signalled = true
          training.signal()
          Thread.sleep(forTimeInterval: 0.5)  // the second is called while this one trains
        } })
        if !signalled { training.signal() }
        group.leave()
      }.start()
      group.enter()
      Thread {
        training.wait()  // the first holds the lock and trains
        outcomes.set("second", Result { try Self.side(der, directory) })
        group.leave()
      }.start()
      group.wait()
      let first = try #require(try outcomes.sides["first"]?.get())
      let second = try #require(try outcomes.sides["second"]?.get())
      let path = TaskZeroSharing.file(plan: memo, directory: directory, context: CILTest.context)
      #expect(first.source == .trained(path))
      #expect(second.source == .reused(path))
      // The second was called before the file existed, so it waited on the lock for it.
      let written = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate]
                                   as? Date)
      #expect(second.called < written && written <= second.returned)
      #expect(try Self.forks(directory) == [URL(fileURLWithPath: path).lastPathComponent])
      #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

      let run = try ClassIncrementalRun(plan: der, data: Self.data, context: CILTest.context)
      run.learner.prefetchesBatches = false
      #expect(second.accuracies == Self.bits(try run.run()), "continued DER = independent DER")
      #expect(first.accuracies[0] == second.accuracies[0], "one task 0: equal task-0 accuracy")
    }
  }

  /// A killed writer's `.partial` and a truncated fork file are not reused: the next run trains
  /// task 0 again and writes a complete file, which the run after it reuses.
  @Test func aPartialOrTruncatedForkIsTrainedAgain() throws {
    let memo = try Self.plan(.memo, split: "stage2.block1")
    try Self.withDirectory { directory in
      let path = TaskZeroSharing.file(plan: memo, directory: directory, context: CILTest.context)
      try Data("killed while writing".utf8).write(to: URL(fileURLWithPath: path + ".partial"))
      #expect(try Self.side(memo, directory).source == .trained(path))
      #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
      let whole = try Data(contentsOf: URL(fileURLWithPath: path))
      let trained = try TaskZeroFile.read(path)

      try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
      #expect(try Self.side(memo, directory).source == .trained(path))
      #expect(try TaskZeroFile.read(path).network.isBitwiseEqual(to: trained.network),
              "the same task 0 again")
      #expect(try Self.side(memo, directory).source == .reused(path))
    }
  }
}

/// verify.h5's `task0_trainings` counts the task-0 files of this sweep: a fork of a seed the
/// sweep does not have, or trained at another thread count, left in `runs/` by an earlier
/// sweep (a `--resume` with other settings), is not one of its trainings.
@Suite struct TaskZeroCountTests {
  static func fork(seed: Int, threads: Int, in runs: String) throws {
    let plan = try CILTest.plan(CILTest.spec(.memo) { $0.seed = seed; $0.split = "stage2.block1" })
    let key = TaskZeroKey(plan: plan, threads: threads, convolution: "auto")
    let state = TaskZeroState(key: key, classes: 2, epochs: key.epochs, network: ModuleState(
      parameters: [NamedArray(name: "stem.conv.weight", shape: [1], values: [0.5])], buffers: []))
    try TaskZeroFile.write(state, to: runs + "/" + TaskZeroFile.fileName(key), strataVersion: "0",
                           commandLine: "test")
  }

  @Test func onlyThisSweepsForksCount() throws {
    try TaskZeroSharingTests.withDirectory { directory in
      var sweep = VerificationSweep(
        specFile: directory + "/spec.json", directory: directory,
        candidates: [.init(split: "stem", learner: .der, role: "DER"),
                     .init(split: "stage2.block1", learner: .memo, role: "recommended")],
        budgets: [100_000, 200_000], seeds: [7, 8])
      #expect(sweep.plannedTaskZeroTrainings == 2)
      #expect(try sweep.threads(proposed: 3) == 3)
      for (seed, threads) in [(7, 3), (8, 3), (9, 3), (7, 2)] {
        try Self.fork(seed: seed, threads: threads, in: sweep.runsDirectory)
      }
      try Data("killed".utf8).write(to: URL(fileURLWithPath: sweep.runsDirectory
                                             + "/task0-0123456789abcdef.h5.partial"))
      #expect(sweep.taskZeroFiles().count == 2, "\(sweep.taskZeroFiles())")
      #expect(sweep.taskZeroTrainings() == 2)
      sweep.sharesTaskZero = false
      #expect(sweep.plannedTaskZeroTrainings == 8 && sweep.taskZeroTrainings() == 8)
    }
  }
}
