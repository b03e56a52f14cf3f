import CIL
import NN
import Testing

/// Task 0 once: a run that continues from a shared task-0 state ends with the results, weights,
/// BN statistics and memory of an independent run, bit for bit (same thread count and
/// convolution setting), for MEMO at a middle split, DER, one backbone, iCaRL and Replay, each
/// at its own memory size.
@Suite(.serialized) struct TaskZeroForkTests {
  static let data = CILTest.dataset()
  static let (threads, convolution) = (1, "auto")

  /// 3 tasks, 4 then 3 epochs; the candidates differ in learner, split and memory.
  static func spec(_ kind: LearnerKind, split: String? = nil, memory: Int = 24) -> RunSpec {
    CILTest.spec(kind) {
      $0.initialEpochs = 4; $0.epochs = 3; $0.initialMilestones = [3]; $0.milestones = [2]
      $0.split = split
      $0.memorySize = memory
    }
  }

  static let candidates = [
    spec(.memo, split: "stage2.block1", memory: 12),
    spec(.der, memory: 24),
    spec(.memo, split: "none", memory: 18),
    spec(.icarl, memory: 20),
    spec(.replay, memory: 16),
  ]

  struct Outcome {
    var result: [[UInt64]]
    var network: ModuleState
    var memory: ExemplarMemory

    init(_ run: ClassIncrementalRun) throws {
      let result = try run.run()
      let matrices = [result.cnn] + (result.nme.map { [$0] } ?? [])
      self.result = matrices.flatMap { $0.values + [$0.total] }.map { $0.map(\.bitPattern) }
        + [result.ledger.flatMap { [$0.modelParameters, $0.networkParameters, $0.exemplars] }
          .map(UInt64.init)]
      network = run.learner.network.state()
      memory = run.learner.memory
    }

    func matches(_ other: Outcome) -> Bool {
      result == other.result && network.isBitwiseEqual(to: other.network) && memory == other.memory
    }
  }

  static func independent(_ spec: RunSpec) throws -> Outcome {
    let run = try ClassIncrementalRun(plan: try CILTest.plan(spec), data: data, context: CILTest.context)
    run.learner.prefetchesBatches = false
    return try Outcome(run)
  }

  static func continued(_ fork: TaskZeroState, _ spec: RunSpec) throws -> Outcome {
    let run = try ClassIncrementalRun(continuing: fork, plan: try CILTest.plan(spec), data: data,
                                      context: CILTest.context, threads: threads,
                                      convolution: convolution)
    run.learner.prefetchesBatches = false
    return try Outcome(run)
  }

  static func fork(_ spec: RunSpec) throws -> TaskZeroState {
    try ClassIncrementalRun.trainTaskZero(plan: try CILTest.plan(spec), data: data,
                                          context: CILTest.context, threads: threads,
                                          convolution: convolution, prefetchesBatches: false)
  }

  /// One task-0 training (from the MEMO candidate's plan) serves all five.
  @Test func continuedRunsEqualIndependentOnes() throws {
    let plans = try Self.candidates.map { try CILTest.plan($0) }
    let keys = plans.map { TaskZeroKey(plan: $0, threads: Self.threads, convolution: Self.convolution) }
    #expect(Set(keys).count == 1, "the candidates share task 0")
    let fork = try Self.fork(Self.candidates[0])
    #expect(fork.classes == 2 && fork.epochs == 4)
    #expect(fork.network.parameters.contains { $0.name == "aux_head.weight" })
    #expect(!fork.network.parameters.contains { $0.name.hasPrefix("branch") })
    for spec in Self.candidates {
      let label = "\(spec.modelName.rawValue)" + (spec.modelName == .memo ? " at \(spec.split ?? "stem")" : "")
      let independent = try Self.independent(spec)
      let continued = try Self.continued(fork, spec)
      #expect(continued.matches(independent), "\(label)")
      print("task-0 fork, \(label): continued == independent bitwise: "
            + "\(continued.matches(independent)), \(independent.network.parameters.count) parameters, "
            + "\(independent.memory.count) exemplars")
    }
  }

  /// The comparison can fail: one weight of the fork changed by one ulp changes the run.
  @Test func aPerturbedForkDiffers() throws {
    let spec = Self.candidates[1]
    var fork = try Self.fork(spec)
    let i = try #require(fork.network.parameters.firstIndex { $0.name == "stem.conv.weight" })
    fork.network.parameters[i].values[0] = fork.network.parameters[i].values[0].nextUp
    #expect(!(try Self.continued(fork, spec).matches(try Self.independent(spec))))
  }

  /// The fork's herding features are what the continuing runs use: made all alike, herding
  /// keeps each class's first images instead of the ones an independent run keeps.
  @Test func theForksHerdingFeaturesAreUsed() throws {
    let spec = Self.candidates[0]
    var fork = try Self.fork(spec)
    #expect(fork.features.count == fork.classes)
    fork.features = fork.features.map { rows in rows.map { _ in rows[0] } }
    #expect(try Self.continued(fork, spec).memory != (try Self.independent(spec)).memory)
  }

  /// Another seed, epoch count or thread count is another task 0: refused, naming the fields.
  @Test func aForkOfOtherSettingsIsRefused() throws {
    let fork = try Self.fork(Self.candidates[1])
    var other = Self.candidates[1]
    other.seed = 8
    other.initialEpochs = 5
    do {
      _ = try ClassIncrementalRun(continuing: fork, plan: try CILTest.plan(other), data: Self.data,
                                  context: CILTest.context, threads: Self.threads,
                                  convolution: Self.convolution)
      Issue.record("a fork of other settings was accepted")
    } catch let error as CheckpointMismatch {
      #expect(error.message.contains("classOrder, epochs, seed differ"), "\(error)")
    }
    #expect(throws: CheckpointMismatch.self) {
      _ = try ClassIncrementalRun(continuing: fork, plan: try CILTest.plan(Self.candidates[1]),
                                  data: Self.data, context: CILTest.context, threads: 2,
                                  convolution: Self.convolution)
    }
    #expect(throws: CheckpointMismatch.self) {
      _ = try Self.fork(CILTest.spec(.finetune))
    }
  }

  /// The names a split's network gives the fork's state.
  @Test func namesPerSplit() throws {
    let fork = try Self.fork(Self.candidates[1])
    let architecture = try CILTest.plan(Self.candidates[0]).architecture
    let middle = fork.network(split: .at("stage2.block1"), architecture: architecture)
    #expect(middle.parameters.map(\.name).contains("branch1.stage2.block1.conv1.weight"))
    #expect(middle.parameters.map(\.name).contains("stage1.block1.conv1.weight"))
    #expect(middle.parameters.map(\.name).contains("aux_head.weight"))
    let none = fork.network(split: .none, architecture: architecture)
    #expect(!none.parameters.contains { $0.name.hasPrefix("branch") || $0.name.hasPrefix("aux_head") })
    let der = fork.network(split: .at("stem"), architecture: architecture)
    #expect(der.parameters.filter { !$0.name.hasPrefix("branch1.") }.map(\.name).sorted()
            == ["aux_head.bias", "aux_head.weight", "head.bias", "head.weight"])
    #expect(der.buffers.allSatisfy { $0.name.hasPrefix("branch1.") })
  }
}
