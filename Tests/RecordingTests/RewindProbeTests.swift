import CIL
import Foundation
import HDF5
import NN
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import Recording

/// The rewind probe (`ProbeRecorder.Options.rewind`, `BlockRewind`) on the tiny model: every
/// split against a network rewound by hand from parameter names, `none` against the learner's
/// own evaluation, training undisturbed, the file read back by Strata and by xarray.
@Suite(.serialized) struct RewindProbeTests {
  /// Next to the recorder: at every task end t ≥ 1, per legal split, the accuracy of a network
  /// built by hand (θ(t) with every parameter and running statistic of the body blocks from the
  /// split onward taken from θ(t−1) by name), and the learner's evaluation.
  final class ByHand: TrainingObserver {
    var previous: ModuleState?
    /// [task − 1][split] (old, new).
    var accuracies: [[(old: Double, new: Double)]] = []
    var evaluations: [TaskEvaluation] = []

    func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
      let network = learner.network
      defer { previous = network.state() }
      guard let previous else { return }
      evaluations.append(evaluation)
      let body = network.architecture.bodyBlockNames
      let new = learner.plan.stream.tasks[evaluation.task].classes
      let old = Dictionary(uniqueKeysWithValues: (previous.parameters + previous.buffers)
        .map { ($0.name, $0) })
      var row: [(Double, Double)] = []
      for split in network.architecture.legalSplits {
        let rewound = body.dropFirst(network.architecture.sharedBlockCount(split))
        func rewind(_ entry: NamedArray) -> NamedArray {
          rewound.contains { entry.name.hasPrefix($0 + ".") } ? old[entry.name]! : entry
        }
        var state = network.state()
        state.parameters = state.parameters.map(rewind)
        state.buffers = state.buffers.map(rewind)
        let copy = try network.frozenCopy()
        try copy.loadState(state)
        let accuracy = try learner.classifierAccuracy(
          of: copy, data: CILTest.dataset(), groups: [0..<new.lowerBound, new])
        row.append((accuracy.perTask[0], accuracy.perTask[1]))
      }
      accuracies.append(row)
    }
  }

  @Test func everySplitEqualsTheNetworkRewoundByHand() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, recorder) = try ProbeRecorderTests.probeRun(rewind: true, in: directory)
      let byHand = ByHand()
      run.learner.observers.append(byHand)
      _ = try run.run()

      let record = try ProbeFile(path: recorder.file.path).read()
      let rewind = try #require(record.rewind)
      #expect(rewind.splits == ["stem", "stage1.block1", "stage2.block1", "none"])
      #expect(record.tasks == [1, 2] && byHand.accuracies.count == 2)
      for (t, expected) in byHand.accuracies.enumerated() {
        #expect(rewind.oldAccuracy[t] == expected.map(\.old), "task \(t + 1) old")
        #expect(rewind.newAccuracy[t] == expected.map(\.new), "task \(t + 1) new")
      }
      // Fractions of the 10 test images per class: 20 new-class images, 20·t old-class ones.
      for t in 0..<2 {
        for (values, images) in [(rewind.oldAccuracy[t], 20 * (t + 1)), (rewind.newAccuracy[t], 20)] {
          #expect(values.allSatisfy { (0...1).contains($0) }, "\(values)")
          #expect(values.allSatisfy { v in abs(v * Double(images) - (v * Double(images)).rounded()) < 1e-9 },
                  "\(values) are not counts out of \(images)")
        }
      }
      // `none` is the network after task t: the learner's own evaluation (10 images per class,
      // so the old classes' accuracy is the mean over the old tasks).
      for (t, evaluation) in byHand.evaluations.enumerated() {
        let perTask = evaluation.cnn.perTask
        let old = perTask.dropLast().reduce(0, +) / Double(perTask.count - 1)
        #expect(abs(rewind.oldAccuracy[t].last! - old) < 1e-12)
        #expect(rewind.newAccuracy[t].last! == perTask.last!)
      }
      // The rewound network is not the trained one: rewinding everything but the head costs
      // the new classes accuracy (the bars of task t are new to θ(t−1)'s features).
      #expect(zip(rewind.newAccuracy.map(\.first!), rewind.newAccuracy.map(\.last!))
        .contains { $0 < $1 }, "\(rewind.newAccuracy)")

      let xarray = try #require(ProbeFileTests.readWithPython(recorder.file.path)["xarray"]
                                as? [String: Any])
      #expect(xarray["split"] as? [String] == rewind.splits)
      #expect(xarray["rewind_old_accuracy_dims"] as? [String] == ["task", "split"])
      #expect(xarray["rewind_new_accuracy_dims"] as? [String] == ["task", "split"])
    }
  }

  /// Rewinding works on copies: a run with the probe trains the same weights as one without.
  @Test func rewindingDoesNotDisturbTraining() throws {
    var finals: [ModuleState] = []
    for rewind in [false, true] {
      try ProbeRecorderTests.withDirectory { directory in
        let (run, recorder) = try ProbeRecorderTests.probeRun(epochs: 1, rewind: rewind,
                                                              in: directory)
        _ = try run.run()
        finals.append(run.learner.network.state())
        #expect((try ProbeFile(path: recorder.file.path).read().rewind != nil) == rewind)
      }
    }
    #expect(finals.count == 2 && finals[0].isBitwiseEqual(to: finals[1]))
  }

  /// An expandable learner: specialized blocks are rewound in the newest branch; `none` is
  /// still the learner's evaluation. (`ByHand` matches plain names only, so it rewinds no branch
  /// block and only its `none` column is comparable here.)
  @Test func rewindsAnExpandableLearner() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, recorder) = try ProbeRecorderTests.probeRun(.memo, epochs: 1, rewind: true,
                                                            in: directory) {
        $0.split = "stage2.block1"
      }
      let byHand = ByHand()
      run.learner.observers.append(byHand)
      _ = try run.run()
      let rewind = try #require(try ProbeFile(path: recorder.file.path).read().rewind)
      for (t, evaluation) in byHand.evaluations.enumerated() {
        #expect(rewind.newAccuracy[t].last! == evaluation.cnn.perTask.last!)
        #expect(rewind.oldAccuracy[t].allSatisfy { (0...1).contains($0) })
      }
    }
  }
}

extension RewindProbeTests {
  /// A file made for the rewind probe refuses a task without (or with the wrong number of)
  /// rewind accuracies, and keeps what it had.
  @Test func appendChecksTheSplitCount() throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = try ProbeFile.create(
      at: directory + "/probes.h5", blocks: ProbeFileTests.blocks, epochs: 2, tasks: 3,
      settings: ProbeFileTests.settings, provenance: ProbeFileTests.provenance,
      splits: ["stem", "stage1.block1", "none"])
    var task = ProbeFileTests.task(1, epochs: 2)
    let missing = try #require(throws: RecordingError.self) { try file.append(task) }
    #expect(missing.description.contains(file.path) && missing.description.contains("3 splits"))
    (task.rewindOld, task.rewindNew) = ([0.5, 0.75, 1], [0.25, 0.5, 1])
    try file.append(task)
    let rewind = try #require(try file.read().rewind)
    #expect(rewind.oldAccuracy == [[0.5, 0.75, 1]] && rewind.newAccuracy == [[0.25, 0.5, 1]])
    // A file without the probe: the record has none, and rewind values are refused.
    try ProbeFileTests.withProbeFile { (plain: ProbeFile) throws in
      #expect(try plain.read().rewind == nil)
      var extra = ProbeFileTests.task(2, epochs: 2)
      extra.rewindOld = [1]
      extra.rewindNew = [1]
      #expect(throws: RecordingError.self) { try plain.append(extra) }
      #expect(try plain.tasks() == [1])
    }
  }
}
