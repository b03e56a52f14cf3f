import CIL
import Foundation
import HDF5
import NN
import Probes
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import Recording

/// The probe run end to end on the tiny model (`CILTest`): what lands in the file, against
/// direct computations, a frozen block, NumPy and xarray; and a run stopped part way.
@Suite(.serialized) struct ProbeRecorderTests {
  /// Watches the loop next to the recorder: the block gradient norms of every backward of
  /// task 1, computed directly from the parameters, and the head at the end of every task.
  final class Direct: TrainingObserver {
    let blocks: [String]
    var task = -1
    var norms: [[Double]] = []
    var heads: [(weight: [Float], bias: [Float])] = []

    init(blocks: [String]) { self.blocks = blocks }

    func taskWillTrain(_ learner: Learner, task: Int) throws { self.task = task }

    func didBackward(_ learner: Learner, step: Int) throws {
      guard task == 1 else { return }
      let named = learner.network.namedParameters()
      norms.append(blocks.map { block in
        named.filter { $0.name.hasPrefix(block + ".") && $0.parameter.isTrainable }
          .reduce(0.0) { sum, entry in
            let p = entry.parameter
            return sum + (p.gradient?.memory.floats.prefix(p.count)
              .reduce(0.0) { $0 + Double($1) * Double($1) } ?? 0)
          }.squareRoot()
      })
    }

    func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
      let head = try #require(learner.network.head)
      heads.append((head.weight.scalars, head.bias.scalars))
    }
  }

  struct Stop: Error {}
  final class Stopper: TrainingObserver {
    let task: Int
    init(task: Int) { self.task = task }
    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      if report.task == task { throw Stop() }
    }
  }

  static let exported = ["stem", "stage2.block1", "head"]

  /// A run of `kind` on the bar images with a recorder attached (probe sets of 10 images per
  /// class, CKA batches of 5, per-iteration norms, `exported` blocks' activations, the rewind
  /// probe when `rewind`, the retrain probe when `retrain`).
  static func probeRun(_ kind: LearnerKind = .replay, increment: Int = 2, epochs: Int = 2,
                       ckaBatch: Int? = 5, rewind: Bool = false, retrain: Bool = false,
                       ckaMatrix: Bool = false, in directory: String,
                       configure: (inout RunSpec) -> Void = { _ in }) throws
    -> (run: ClassIncrementalRun, recorder: ProbeRecorder)
  {
    let spec = CILTest.spec(kind) {
      $0.increment = increment
      ($0.initialEpochs, $0.epochs) = (epochs, epochs)
      configure(&$0)
    }
    let plan = try CILTest.plan(spec)
    let data = CILTest.dataset()
    let run = try ClassIncrementalRun(plan: plan, data: data, context: CILTest.context)
    run.learner.prefetchesBatches = false
    var options = ProbeRecorder.Options()
    (options.ckaBatch, options.forwardImages, options.perIteration) = (ckaBatch, 10, true)
    options.rewind = rewind
    options.retrain = retrain
    options.ckaMatrix = ckaMatrix
    let recorder = try ProbeRecorder.start(
      plan: plan, data: data, output: directory + "/probes.h5", probeImagesPerClass: 10,
      options: options, exportBlocks: exported, provenance: ProbeFileTests.provenance,
      context: CILTest.context)
    run.learner.observers = [recorder]
    return (run, recorder)
  }

  static func withDirectory(_ body: (String) throws -> Void) throws {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try body(directory)
  }

  static func read(_ path: String, _ name: String) throws -> [Double] {
    try HDF5File.open(path).root.openDataset(name).read(Double.self)
  }

  @Test func recordsEveryIncrementalTask() throws {
    try Self.withDirectory { directory in
      let (run, recorder) = try Self.probeRun(in: directory)
      let direct = Direct(blocks: recorder.blocks)
      run.learner.observers.append(direct)
      // A block that never changes: its CKA must be 1 and its shift 0.
      run.learner.network.setFrozen(true, block: "stem")
      _ = try run.run()

      let path = recorder.file.path
      let blocks = recorder.blocks
      #expect(blocks == ["stem", "stage1.block1", "stage2.block1", "head"])
      #expect(try recorder.file.tasks() == [1, 2])
      let (nb, stem, head) = (blocks.count, 0, blocks.count - 1)

      // Gradient norms: each recorded iteration equals the direct computation; the epoch
      // value is their mean; the frozen stem has none.
      let file = try HDF5File.open(path)
      let taskOf = try file.root.openDataset("iteration_task").read(Int32.self)
      let epochOf = try file.root.openDataset("iteration_epoch").read(Int32.self)
      let perIteration = try Self.read(path, "grad_norm_iteration")
      let first = taskOf.indices.filter { taskOf[$0] == 1 }
      #expect(first.count == direct.norms.count && !first.isEmpty)
      for (row, expected) in zip(first, direct.norms) {
        for b in 0..<nb {
          let value = perIteration[row * nb + b]
          #expect(abs(value - expected[b]) <= 1e-12 * max(1, expected[b]),
                  "iteration \(row) \(blocks[b]): \(value) vs \(expected[b])")
        }
      }
      let gradient = try Self.read(path, "grad_norm")  // [task, epoch, block]
      for epoch in 1...2 {
        let rows = first.filter { epochOf[$0] == Int32(epoch) }
        for b in 0..<nb {
          let mean = rows.reduce(0.0) { $0 + perIteration[$1 * nb + b] } / Double(rows.count)
          #expect(abs(gradient[(epoch - 1) * nb + b] - mean) <= 1e-12 * max(1, mean))
        }
      }
      #expect(gradient.allSatisfy { $0.isFinite })
      #expect(gradient[stem] == 0 && gradient[1] > 0 && gradient[head] > 0)

      // Shift: the frozen stem did not move; the head's shift is over the old classes' rows.
      let shift = try Self.read(path, "param_shift"), statistics = try Self.read(path, "bn_stat_shift")
      #expect(shift.allSatisfy { $0.isFinite } && shift[stem] == 0 && shift[1] > 0)
      #expect(statistics[stem] == 0 && statistics[1] > 0 && statistics[head].isNaN)
      #expect(try Self.read(path, "param_shift_epoch").allSatisfy { $0.isFinite })
      for t in 1...2 {
        let (old, new) = (direct.heads[t - 1], direct.heads[t])
        let columns = old.weight.count / old.bias.count
        let before = (old.weight + old.bias).map(Double.init)
        let after = (new.weight.prefix(old.weight.count) + new.bias.prefix(old.bias.count))
          .map(Double.init)
        #expect(new.weight.count / new.bias.count == columns)
        let difference = zip(before, after).reduce(0.0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
        let expected = difference.squareRoot() / before.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(shift[(t - 1) * nb + head] - expected) < 1e-12, "head shift, task \(t)")
      }

      // CKA: 1 for the unchanged stem, defined everywhere, no notes.
      for name in ["cka_old", "cka_new"] {
        let cka = try Self.read(path, name)
        #expect(cka.allSatisfy { $0.isFinite }, "\(name): \(cka)")
        for t in 0..<2 { #expect(abs(cka[t * nb + stem] - 1) < 1e-12, "\(name) stem: \(cka)") }
        #expect(cka[nb + 2] < 1 - 1e-6, "\(name): the trained stage2.block1 moved")
      }
      let notes = try file.root.openDataset("cka_old_note").read(String.self)
      #expect(notes.allSatisfy { $0.isEmpty })

      // Accuracy [task, task_seen] over 3 tasks: NaN only for tasks not seen yet.
      let accuracy = try Self.read(path, "accuracy")
      #expect(accuracy.count == 6 && accuracy[2].isNaN)
      #expect([0, 1, 3, 4, 5].allSatisfy { accuracy[$0].isFinite })

      // xarray opens it with labelled axes.
      let xarray = try #require(ProbeFileTests.readWithPython(path)["xarray"] as? [String: Any])
      #expect(xarray["task"] as? [Int] == [1, 2] && xarray["block"] as? [String] == blocks)

      // NumPy recomputes CKA from the exported activations and gets the recorded values.
      let activations = try #require(recorder.activations)
      let oracle = try ProbeFileTests.runOracle("recompute_cka.py", activations.path)
      let recomputed = try #require(oracle["cka"] as? [String: Double])
      #expect(recomputed.count == 2 * 2 * Self.exported.count)
      for (key, value) in recomputed {
        let parts = key.split(separator: "/").map(String.init)
        let t = try #require(Int(parts[0].dropFirst("task".count)))
        let b = try #require(blocks.firstIndex(of: parts[2]))
        let recorded = try Self.read(path, "cka_\(parts[1])")[(t - 1) * nb + b]
        #expect(abs(value - recorded) < 1e-9, "\(key): numpy \(value), recorded \(recorded)")
      }
      let group = try #require(oracle["xarray"] as? [String: Any])
      let dims = try #require(group["dims"] as? [String: Int])
      #expect(dims["image"] == 20 && dims["stage2.block1.feature"] == 8 * 4 * 4, "\(dims)")
      #expect((group["variables"] as? [String])?.contains("head.before") == true)
    }
  }

  /// With one batch per subset the recorded CKA is Kornblith's debiased CKA of the features.
  @Test func oneBatchPerSubsetIsDebiasedCKA() throws {
    try Self.withDirectory { directory in
      let (run, recorder) = try Self.probeRun(epochs: 1, ckaBatch: nil, in: directory)
      _ = try run.run()
      let activations = try HDF5File.open(try #require(recorder.activations).path)
      #expect(try activations.attributes.read("cka_batch_size", as: Int64.self) == 0)
      let nb = recorder.blocks.count
      for (t, subset) in [(1, "old"), (2, "old"), (2, "new")] {
        let group = try activations.root.openGroup("task\(t)/\(subset)")
        #expect(try group.openDataset("image").shape() == [subset == "old" ? 20 * t : 20])
        for block in Self.exported {
          let x = try group.openDataset("\(block).before").read(Float.self)
          let y = try group.openDataset("\(block).after").read(Float.self)
          let width = try group.openDataset("\(block).feature").shape()[0]
          let expected = DebiasedCKA.value(x: x, xWidth: width, y: y, yWidth: width)
          let b = try #require(recorder.blocks.firstIndex(of: block))
          let recorded = try Self.read(recorder.file.path, "cka_\(subset)")[(t - 1) * nb + b]
          #expect(abs(recorded - expected) < 1e-10, "task \(t) \(subset) \(block)")
        }
      }
    }
  }

  /// A run that fails in task 4 (0-based) leaves a file with tasks 1–3 that xarray opens.
  @Test func aRunStoppedInTask4KeepsTasks1To3() throws {
    try Self.withDirectory { directory in
      let (run, recorder) = try Self.probeRun(increment: 1, epochs: 1, in: directory)
      #expect(run.plan.stream.count == 5)
      run.learner.observers.append(Stopper(task: 4))
      #expect(throws: Stop.self) { _ = try run.run() }
      #expect(try recorder.file.tasks() == [1, 2, 3])
      let xarray = try #require(ProbeFileTests.readWithPython(recorder.file.path)["xarray"]
                                as? [String: Any])
      #expect(xarray["task"] as? [Int] == [1, 2, 3])
      let cka = try Self.read(recorder.file.path, "cka_new")
      #expect(cka.count == 3 * recorder.blocks.count && cka.allSatisfy { $0.isFinite })
    }
  }

  /// Probes attach to any learner: MEMO's specialized blocks are followed in the newest branch.
  @Test func probesAnExpandableLearner() throws {
    try Self.withDirectory { directory in
      let (run, recorder) = try Self.probeRun(.memo, epochs: 1, in: directory) {
        $0.split = "stage2.block1"
      }
      _ = try run.run()
      #expect(run.learner.network.branches.count == 3)
      #expect(try recorder.file.tasks() == [1, 2])
      for name in ["param_shift", "cka_old", "cka_new", "grad_norm"] {
        let values = try Self.read(recorder.file.path, name)
        #expect(values.allSatisfy { $0.isFinite }, "\(name): \(values)")
      }
    }
  }

  @Test func refusesExistingFilesAndUnknownBlocks() throws {
    try Self.withDirectory { directory in
      let plan = try CILTest.plan(CILTest.spec(.replay))
      let output = directory + "/probes.h5"
      func start(_ blocks: [String]) throws -> ProbeRecorder {
        try ProbeRecorder.start(plan: plan, data: CILTest.dataset(), output: output,
                                probeImagesPerClass: 4, options: .init(), exportBlocks: blocks,
                                provenance: ProbeFileTests.provenance, context: CILTest.context)
      }
      let unknown = try #require(throws: RecordingError.self) { try start(["stage9.block1"]) }
      #expect(unknown.description.contains("stage9.block1")
              && unknown.description.contains("stage2.block1"))
      #expect(!FileManager.default.fileExists(atPath: output))
      // An existing activation file stops the run before the probe file is created.
      let activations = ProbeRecorder.defaultActivationsPath(output)
      #expect(activations == directory + "/probes.activations.h5")
      try Data("earlier".utf8).write(to: URL(fileURLWithPath: activations))
      let exists = try #require(throws: RecordingError.self) { try start(["stem"]) }
      #expect(exists.description.contains(activations) && exists.description.contains("already exists"))
      #expect(!FileManager.default.fileExists(atPath: output))
      _ = try start([])
      #expect(throws: RecordingError.self) { try start([]) }
      #expect(try Data(contentsOf: URL(fileURLWithPath: activations)) == Data("earlier".utf8))
    }
  }
}
