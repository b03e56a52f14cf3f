import CIL
import Data
import NN
import Testing

/// Every learner end to end on the tiny ResNet and generated bars: 3 tasks of 2 classes.
@Suite(.serialized) struct LearnerTests {
  static let data = CILTest.dataset()

  static func run(_ spec: RunSpec, observe: ((Learner, Int) -> Void)? = nil) throws
    -> (RunResult, Learner)
  {
    let run = try ClassIncrementalRun(plan: try CILTest.plan(spec), data: data,
                                      context: CILTest.context)
    run.learner.prefetchesBatches = false
    var tasks = 0
    let result = try run.run { event in
      if case .evaluated = event {
        observe?(run.learner, tasks)
        tasks += 1
      }
    }
    return (result, run.learner)
  }

  /// Every task reports where its time went, just before its evaluation: training took time,
  /// and a method with exemplars spent some building its memory.
  @Test func everyTaskReportsItsPhaseTimes() throws {
    let run = try ClassIncrementalRun(plan: try CILTest.plan(CILTest.spec(.replay)), data: Self.data,
                                      context: CILTest.context)
    run.learner.prefetchesBatches = false
    var order: [String] = []
    var timings: [TaskTiming] = []
    _ = try run.run { event in
      switch event {
      case .timed(let timing): order.append("timed \(timing.task)"); timings.append(timing)
      case .evaluated(let evaluation, _): order.append("evaluated \(evaluation.task)")
      case .epoch: break
      }
    }
    #expect(order == ["timed 0", "evaluated 0", "timed 1", "evaluated 1", "timed 2", "evaluated 2"])
    #expect(timings.allSatisfy { $0.training > .zero && $0.memory > .zero && $0.evaluation > .zero })
    #expect(timings[0].summary.hasPrefix("training ") && timings[0].summary.contains(" s, memory "))
  }

  /// Snapshot of every parameter and buffer whose name starts with `prefix`.
  static func state(_ network: ExpandableNetwork, prefix: String) -> [String: [Float]] {
    var values: [String: [Float]] = [:]
    for (name, p) in network.namedParameters() where name.hasPrefix(prefix) { values[name] = p.scalars }
    for (name, t) in network.namedBuffers() where name.hasPrefix(prefix) {
      values[name] = Array(t.memory.floats.prefix(t.count))
    }
    return values
  }

  /// The matrix fills in row by row, lower triangle only, with accuracies in [0, 1]; the first
  /// task's two classes are learned well above chance.
  static func checkMatrix(_ m: AccuracyMatrix) {
    #expect(m.tasksSeen == 3)
    for t in 0..<3 {
      for j in 0..<3 {
        if j <= t { #expect((0...1).contains(m.values[t][j]), "[\(t)][\(j)]") }
        else { #expect(m.values[t][j].isNaN) }
      }
    }
    #expect(m.values[0][0] > 0.75)
    #expect(m.averageIncrementalAccuracy.isFinite && m.forgetting.isFinite)
  }

  @Test func finetune() throws {
    let (result, learner) = try Self.run(CILTest.spec(.finetune))
    Self.checkMatrix(result.cnn)
    #expect(result.nme == nil && learner.memory.count == 0)
    #expect(result.ledger.map(\.exemplars) == [0, 0, 0])
    #expect(learner.network.head?.outFeatures == 6 && learner.network.branches.isEmpty)
  }

  /// Replay keeps floor(24 / seen) exemplars per class: 12 · 2, 6 · 4, 4 · 6.
  @Test func replay() throws {
    var counts: [Int] = []
    let (result, learner) = try Self.run(CILTest.spec(.replay)) { learner, _ in
      counts.append(learner.memory.count)
    }
    Self.checkMatrix(result.cnn)
    Self.checkMatrix(try #require(result.nme))
    #expect(counts == [24, 24, 24])
    #expect(learner.memory.exemplars.values.allSatisfy { $0.count == 4 })
    #expect(result.ledger.map(\.exemplarBytes) == [24 * 64, 24 * 64, 24 * 64])
  }

  @Test func icarl() throws {
    let (result, learner) = try Self.run(CILTest.spec(.icarl) { $0.fixedMemory = true;
      $0.memoryPerClass = 3 })
    Self.checkMatrix(result.cnn)
    Self.checkMatrix(try #require(result.nme))
    #expect(learner.memory.count == 18)
  }

  /// MEMO: branch 1 (and its BN statistics) is unchanged by later tasks, the shared blocks
  /// keep training, and after each later task the new classifier rows have the old rows' mean
  /// norm (weight aligning).
  @Test func memoFreezesOldBranchesAndAligns() throws {
    var branch1: [[String: [Float]]] = [], shared: [[String: [Float]]] = []
    var ratios: [Double] = []
    let (result, learner) = try Self.run(CILTest.spec(.memo)) { learner, task in
      branch1.append(Self.state(learner.network, prefix: "branch1."))
      shared.append(Self.state(learner.network, prefix: "stage1."))
      ratios.append(Self.alignment(learner.network, task: task))
    }
    Self.checkMatrix(result.cnn)
    #expect(learner.network.split == .at("stage2.block1"))
    #expect(learner.network.branches.count == 3)
    #expect(branch1[0] == branch1[1] && branch1[1] == branch1[2] && !branch1[0].isEmpty)
    #expect(shared[0] != shared[1])
    #expect(abs(ratios[1] - 1) < 1e-4 && abs(ratios[2] - 1) < 1e-4)
    #expect(result.ledger.map(\.modelParameters)
      == (1...3).map { MemoryLedger(CILTest.architecture).modelParameters(split: .at("stage2.block1"), tasks: $0) })
  }

  /// MEMO without `train_shared`: after the first task the shared blocks stay as they were.
  @Test func memoWithoutSharedTraining() throws {
    var shared: [[String: [Float]]] = []
    _ = try Self.run(CILTest.spec(.memo) { $0.trainShared = false; $0.split = "stage1.block1" }) {
      learner, _ in shared.append(Self.state(learner.network, prefix: "stem."))
    }
    #expect(shared.count == 3 && shared[0] == shared[1] && shared[1] == shared[2])
  }

  /// DER: a whole backbone per task; the first stays unchanged.
  @Test func derKeepsOldBackbones() throws {
    var first: [[String: [Float]]] = []
    let (result, learner) = try Self.run(CILTest.spec(.der)) { learner, _ in
      first.append(Self.state(learner.network, prefix: "branch1."))
    }
    Self.checkMatrix(result.cnn)
    #expect(learner.network.shared.isEmpty && learner.network.branches.count == 3)
    #expect(first[0] == first[2] && first[0].keys.contains("branch1.stem.conv.weight"))
    #expect(learner.network.head?.inFeatures == 3 * CILTest.architecture.featureWidth)
  }

  /// Joint training sees every seen class's images each task: no memory, no NME, and it keeps
  /// the old tasks.
  @Test func joint() throws {
    let (result, learner) = try Self.run(CILTest.spec(.joint))
    Self.checkMatrix(result.cnn)
    #expect(result.nme == nil && learner.memory.count == 0)
    #expect(result.cnn.lastAccuracy > 0.9)
  }

  /// On these bars Finetune forgets the old tasks and Replay keeps them (seeded, so the same
  /// numbers every run: Finetune's last accuracy is about 0.27, Replay's 0.67).
  @Test func replayRemembersWhatFinetuneForgets() throws {
    let (finetune, _) = try Self.run(CILTest.spec(.finetune))
    let (replay, _) = try Self.run(CILTest.spec(.replay))
    #expect(replay.cnn.lastAccuracy > finetune.cnn.lastAccuracy + 0.2)
    #expect(finetune.cnn.forgetting > replay.cnn.forgetting + 0.2)
  }

  /// Mean norm of the newest task's classifier rows over the older rows' mean norm.
  static func alignment(_ network: ExpandableNetwork, task: Int) -> Double {
    guard task > 0, let head = network.head, let new = network.taskSizes.last else { return 1 }
    let w = head.weight.scalars, k = head.inFeatures, rows = head.outFeatures
    let norm = { (r: Int) in (0..<k).reduce(0.0) { $0 + Double(w[r * k + $1] * w[r * k + $1]) }.squareRoot() }
    let old = (0..<(rows - new)).map(norm), fresh = ((rows - new)..<rows).map(norm)
    return (fresh.reduce(0, +) / Double(fresh.count)) / (old.reduce(0, +) / Double(old.count))
  }
}
