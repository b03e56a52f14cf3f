import CIL
import Foundation
import NN
import Probes
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import Recording

/// The retrain probe (`ProbeRecorder.Options.retrain`, `BlockRetrain`, `Learner.trainCopy`) on
/// the tiny model, one epoch per task: what each split trains, `stem` against the learner's own
/// training, the run undisturbed, the file read back by Strata and by xarray.
@Suite(.serialized) struct RetrainProbeTests {
  /// At every task start t ≥ 1: the network's state, and per split the state of a copy trained
  /// by `trainCopy` from it; at the task end, the learner's trained state and evaluation.
  final class Copies: TrainingObserver {
    let splits: [SplitPoint]
    var start: [ModuleState] = []
    /// [task − 1][split].
    var trained: [[ModuleState]] = []
    var learned: [ModuleState] = []
    var evaluations: [TaskEvaluation] = []

    init(_ splits: [SplitPoint]) { self.splits = splits }

    func taskWillTrain(_ learner: Learner, task: Int) throws {
      guard task >= 1 else { return }
      start.append(learner.network.state())
      trained.append(try splits.map { split in
        let copy = try BlockRetrain.copy(of: learner.network, trainingFrom: split)
        try learner.trainCopy(copy, data: CILTest.dataset())
        return copy.state()
      })
    }

    func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
      guard evaluation.task >= 1 else { return }
      learned.append(learner.network.state())
      evaluations.append(evaluation)
    }
  }

  /// The entries of `state` (parameters and running statistics) under block `block`.
  static func entries(_ state: ModuleState, _ block: String) -> [NamedArray] {
    (state.parameters + state.buffers).filter { $0.name.hasPrefix(block + ".") }
  }

  static func same(_ a: ModuleState, _ b: ModuleState, block: String) -> Bool {
    let (x, y) = (entries(a, block), entries(b, block))
    return !x.isEmpty && x.count == y.count && zip(x, y).allSatisfy { $0.isBitwiseEqual(to: $1) }
  }

  /// `none` trains the head only, a middle split the blocks from it onward, `stem` everything,
  /// and `stem` is the learner's own training bit for bit (same loop, data, seed).
  @Test func eachSplitTrainsTheBlocksFromItOnward() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, _) = try ProbeRecorderTests.probeRun(epochs: 1, in: directory)
      let copies = Copies([.none, .at("stage2.block1"), .at("stem")])
      run.learner.observers = [copies]
      _ = try run.run()
      #expect(copies.trained.count == 2)
      let body = ["stem", "stage1.block1", "stage2.block1"]
      for (t, trained) in copies.trained.enumerated() {
        let start = copies.start[t]
        let (none, middle, stem) = (trained[0], trained[1], trained[2])
        for block in body {
          #expect(Self.same(none, start, block: block), "task \(t + 1) none: \(block) changed")
        }
        #expect(!Self.same(none, start, block: "head"), "task \(t + 1) none: head not trained")
        #expect(Self.same(middle, start, block: "stem") && Self.same(middle, start, block: "stage1.block1"))
        #expect(!Self.same(middle, start, block: "stage2.block1") && !Self.same(middle, start, block: "head"))
        for block in body + ["head"] {
          #expect(!Self.same(stem, start, block: block), "task \(t + 1) stem: \(block) not trained")
        }
        #expect(stem.isBitwiseEqual(to: copies.learned[t]), "task \(t + 1): stem is not the learner's training")
      }
    }
  }

  @Test func recordsEverySplitAndTask() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, recorder) = try ProbeRecorderTests.probeRun(epochs: 1, retrain: true, in: directory)
      let copies = Copies([])
      run.learner.observers.append(copies)
      _ = try run.run()
      let record = try ProbeFile(path: recorder.file.path).read()
      #expect(record.rewind == nil)
      let retrain = try #require(record.retrain)
      #expect(retrain.splits == ["stem", "stage1.block1", "stage2.block1", "none"])
      #expect(record.tasks == [1, 2])
      // Fractions of the 10 test images per class: 20 new-class images, 20·t old-class ones.
      for t in 0..<2 {
        for (values, images) in [(retrain.oldAccuracy[t], 20 * (t + 1)), (retrain.newAccuracy[t], 20)] {
          #expect(values.count == 4 && values.allSatisfy { (0...1).contains($0) }, "\(values)")
          #expect(values.allSatisfy { v in abs(v * Double(images) - (v * Double(images)).rounded()) < 1e-9 },
                  "\(values) are not counts out of \(images)")
        }
      }
      // `stem` trains what the learner trains: its accuracies are the learner's evaluation.
      for (t, evaluation) in copies.evaluations.enumerated() {
        let perTask = evaluation.cnn.perTask
        let old = perTask.dropLast().reduce(0, +) / Double(perTask.count - 1)
        #expect(abs(retrain.oldAccuracy[t].first! - old) < 1e-12, "task \(t + 1)")
        #expect(retrain.newAccuracy[t].first! == perTask.last!, "task \(t + 1)")
      }

      let xarray = try #require(ProbeFileTests.readWithPython(recorder.file.path)["xarray"]
                                as? [String: Any])
      #expect(xarray["split"] as? [String] == retrain.splits)
      #expect(xarray["retrain_old_accuracy_dims"] as? [String] == ["task", "split"])
      #expect(xarray["retrain_new_accuracy_dims"] as? [String] == ["task", "split"])
    }
  }

  /// Retraining works on copies: a run with the probe (and the rewind one) trains the same
  /// weights as one without.
  @Test func retrainingDoesNotDisturbTraining() throws {
    var finals: [ModuleState] = []
    for retrain in [false, true] {
      try ProbeRecorderTests.withDirectory { directory in
        let (run, recorder) = try ProbeRecorderTests.probeRun(epochs: 1, rewind: retrain,
                                                              retrain: retrain, in: directory)
        _ = try run.run()
        finals.append(run.learner.network.state())
        let record = try ProbeFile(path: recorder.file.path).read()
        #expect((record.retrain != nil) == retrain && (record.rewind != nil) == retrain)
      }
    }
    #expect(finals.count == 2 && finals[0].isBitwiseEqual(to: finals[1]))
  }

  /// An expandable learner: the copies keep the old branch frozen and train the newest one.
  @Test func retrainsAnExpandableLearner() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, recorder) = try ProbeRecorderTests.probeRun(.memo, epochs: 1, retrain: true,
                                                            in: directory) {
        $0.split = "stage2.block1"
      }
      let copies = Copies([.at("stem")])
      run.learner.observers.append(copies)
      _ = try run.run()
      let retrain = try #require(try ProbeFile(path: recorder.file.path).read().retrain)
      for (t, evaluation) in copies.evaluations.enumerated() {
        #expect(Self.same(copies.trained[t][0], copies.start[t], block: "branch\(t + 1)"),
                "task \(t + 1): the old branch trained")
        #expect(copies.trained[t][0].isBitwiseEqual(to: copies.learned[t]))
        #expect(retrain.newAccuracy[t].first! == evaluation.cnn.perTask.last!)
        #expect(retrain.oldAccuracy[t].allSatisfy { (0...1).contains($0) })
      }
    }
  }
}

extension RetrainProbeTests {
  /// A file with the retrain probe only refuses a task without its accuracies or with rewind
  /// ones, and reads back with no rewind record.
  @Test func appendChecksTheRetrainSplits() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = try ProbeFile.create(
      at: directory + "/probes.h5", blocks: ProbeFileTests.blocks, epochs: 2, tasks: 3,
      settings: ProbeFileTests.settings, provenance: ProbeFileTests.provenance,
      splits: ["stem", "stage1.block1", "none"], splitProbes: [.retrain])
    var task = ProbeFileTests.task(1, epochs: 2)
    let missing = try #require(throws: RecordingError.self) { try file.append(task) }
    #expect(missing.description.contains(file.path) && missing.description.contains("3 splits"))
    (task.rewindOld, task.rewindNew) = ([0.5, 0.75, 1], [0.25, 0.5, 1])
    (task.retrainOld, task.retrainNew) = ([0.5, 0.75, 1], [0.25, 0.5, 1])
    #expect(throws: RecordingError.self) { try file.append(task) }
    (task.rewindOld, task.rewindNew) = ([], [])
    try file.append(task)
    let record = try file.read()
    #expect(record.rewind == nil && record.tasks == [1])
    #expect(record.retrain?.oldAccuracy == [[0.5, 0.75, 1]])
    #expect(record.retrain?.newAccuracy == [[0.25, 0.5, 1]])
  }
}
