import CIL
import NN
import Testing

/// Kill and resume: a run stopped between epochs and resumed from its last checkpoint ends with
/// the weights, BN statistics, memory and accuracies of an uninterrupted run, bit for bit.
@Suite(.serialized) struct ResumeTests {
  static let data = CILTest.dataset()

  struct Stop: Error {}

  /// Ends the run (as a killed process would) after epoch `epoch` (0-based) of `task`, or at the
  /// task's end when `epoch` is nil.
  final class Stopper: TrainingObserver {
    let task: Int, epoch: Int?
    init(task: Int, epoch: Int?) { (self.task, self.epoch) = (task, epoch) }

    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      if report.task == task && report.epoch == epoch { throw Stop() }
    }
    func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
      if evaluation.task == task && epoch == nil { throw Stop() }
    }
  }

  static func makeRun(_ spec: RunSpec, resuming checkpoint: RunCheckpoint? = nil) throws
    -> ClassIncrementalRun
  {
    let plan = try CILTest.plan(spec)
    let run = try checkpoint.map {
      try ClassIncrementalRun(resuming: $0, plan: plan, data: data, context: CILTest.context)
    } ?? ClassIncrementalRun(plan: plan, data: data, context: CILTest.context)
    run.learner.prefetchesBatches = false
    return run
  }

  /// The last checkpoint a run stopped by `stopper` took.
  static func interrupted(_ spec: RunSpec, _ stopper: Stopper) throws -> RunCheckpoint {
    let run = try makeRun(spec)
    var latest: RunCheckpoint?
    Checkpointer { latest = $0 }.attach(to: run)
    run.learner.observers.append(stopper)
    #expect(throws: Stop.self) { _ = try run.run() }
    return try #require(latest)
  }

  /// What must survive: results, network state, memory, and iCaRL's teacher.
  struct Outcome {
    var result: [[UInt64]]
    var network: ModuleState
    var memory: ExemplarMemory
    var teacher: ModuleState?

    init(_ run: ClassIncrementalRun, _ result: RunResult) {
      let matrices = [result.cnn] + (result.nme.map { [$0] } ?? [])
      self.result = matrices.flatMap { $0.values + [$0.total] }.map { $0.map(\.bitPattern) }
        + [result.ledger.flatMap { [$0.modelParameters, $0.networkParameters, $0.exemplars] }
          .map(UInt64.init)]
      network = run.learner.network.state()
      memory = run.learner.memory
      teacher = run.checkpoint(at: RunPosition(task: 0, epochsCompleted: 0, taskComplete: true))
        .teacher
    }

    func matches(_ other: Outcome) -> Bool {
      result == other.result && network.isBitwiseEqual(to: other.network) && memory == other.memory
        && (teacher == nil) == (other.teacher == nil)
        && (teacher.map { $0.isBitwiseEqual(to: other.teacher!) } ?? true)
    }
  }

  static func uninterrupted(_ spec: RunSpec) throws -> Outcome {
    let run = try makeRun(spec)
    return Outcome(run, try run.run())
  }

  static func resumed(_ checkpoint: RunCheckpoint, _ spec: RunSpec) throws -> Outcome {
    let run = try makeRun(spec, resuming: checkpoint)
    return Outcome(run, try run.run())
  }

  /// Short runs: 3 tasks, 4 then 3 epochs, so a stop can fall mid-task and after a last epoch.
  static func spec(_ kind: LearnerKind) -> RunSpec {
    CILTest.spec(kind) { $0.initialEpochs = 4; $0.epochs = 3; $0.initialMilestones = [3]
      $0.milestones = [2] }
  }

  @Test(arguments: [LearnerKind.replay, .memo])
  func stoppedMidTaskResumesBitwise(kind: LearnerKind) throws {
    let spec = Self.spec(kind)
    let checkpoint = try Self.interrupted(spec, Stopper(task: 1, epoch: 0))
    #expect(checkpoint.position == RunPosition(task: 1, epochsCompleted: 1, taskComplete: false))
    #expect(!checkpoint.momentum.isEmpty && checkpoint.result.cnn.tasksSeen == 1)
    let reference = try Self.uninterrupted(spec)
    #expect(try Self.resumed(checkpoint, spec).matches(reference))
  }

  /// After the last epoch of task 1 and before MEMO's weight aligning, the memory and the
  /// evaluation: the resumed run does those.
  @Test func memoStoppedAfterATasksLastEpoch() throws {
    let spec = Self.spec(.memo)
    let checkpoint = try Self.interrupted(spec, Stopper(task: 1, epoch: 2))
    #expect(checkpoint.position == RunPosition(task: 1, epochsCompleted: 3, taskComplete: false))
    #expect(try Self.resumed(checkpoint, spec).matches(try Self.uninterrupted(spec)))
  }

  /// iCaRL distills from the network of the previous task: the checkpoint carries it.
  @Test func icarlResumesWithItsTeacher() throws {
    let spec = Self.spec(.icarl)
    let checkpoint = try Self.interrupted(spec, Stopper(task: 2, epoch: 1))
    #expect(checkpoint.teacher != nil)
    #expect(try Self.resumed(checkpoint, spec).matches(try Self.uninterrupted(spec)))
  }

  @Test func stoppedBetweenTasksResumesWithTheNextTask() throws {
    let spec = Self.spec(.replay)
    let checkpoint = try Self.interrupted(spec, Stopper(task: 0, epoch: nil))
    #expect(checkpoint.position.taskComplete && checkpoint.nextTask == 1)
    #expect(checkpoint.momentum.isEmpty && checkpoint.result.cnn.tasksSeen == 1)
    #expect(try Self.resumed(checkpoint, spec).matches(try Self.uninterrupted(spec)))
  }

  /// The comparison can fail: without its momentum the resumed task takes other steps.
  @Test func losingTheMomentumChangesTheResult() throws {
    let spec = Self.spec(.replay)
    var checkpoint = try Self.interrupted(spec, Stopper(task: 1, epoch: 0))
    checkpoint.momentum = []
    #expect(!(try Self.resumed(checkpoint, spec).matches(try Self.uninterrupted(spec))))
  }

  @Test func aCheckpointOfAnotherRunIsRefused() throws {
    let checkpoint = try Self.interrupted(Self.spec(.replay), Stopper(task: 0, epoch: 1))
    // Other task sizes: init_cls 4.
    let other = CILTest.spec(.replay) { $0.initialClasses = 4 }
    #expect(throws: CheckpointMismatch.self) { _ = try Self.makeRun(other, resuming: checkpoint) }
    // A parameter of the wrong shape names the parameter.
    var damaged = checkpoint
    let index = try #require(damaged.network.parameters.firstIndex { $0.name == "stem.conv.weight" })
    damaged.network.parameters[index] = NamedArray(name: "stem.conv.weight", shape: [1], values: [0])
    #expect(throws: ModuleStateError(kind: .shapeMismatch(expected: [4, 1, 3, 3], found: [1]),
                                     name: "stem.conv.weight", section: "parameters")) {
      _ = try Self.makeRun(Self.spec(.replay), resuming: damaged)
    }
  }
}
