import CIL
import Foundation
import NN
import Testing
@testable import Recording

/// The task-0 fork file: read back bit for bit, continued from, and refused with the file named
/// when it is missing, of another kind, or of other settings.
@Suite(.serialized) struct TaskZeroFileTests {
  typealias Fixture = CheckpointFixture

  static func fork(_ spec: RunSpec) throws -> TaskZeroState {
    let learner = try ClassIncrementalRun.trainTaskZero(
      plan: try Fixture.plan(spec), data: Fixture.data(), context: Fixture.context,
      threads: Fixture.context.threads, convolution: Fixture.context.convolutionPolicy.rawValue,
      prefetchesBatches: false)
    return learner
  }

  static func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func roundTripAndContinue() throws {
    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spec = Fixture.spec(.memo)
    let state = try Self.fork(spec)
    let path = directory + "/" + TaskZeroFile.fileName(state.key)
    #expect(path.hasSuffix("/task0-\(state.key.digest).h5") && state.key.digest.count == 16)
    try TaskZeroFile.write(state, to: path, strataVersion: "test", commandLine: "strata verify")
    let read = try TaskZeroFile.read(path)
    #expect(read.key == state.key && read.classes == 2 && read.epochs == 3)
    #expect(read.network.isBitwiseEqual(to: state.network))
    #expect(!state.features.isEmpty && read.features.count == state.features.count)
    #expect(zip(read.features, state.features).allSatisfy { a, b in
      a.flatMap { $0 }.map(\.bitPattern) == b.flatMap { $0 }.map(\.bitPattern) && a.count == b.count
    }, "the herding features read back bit for bit")

    #expect(try Self.continuedEqualsIndependent(path, spec))
  }

  /// Whether a run of `spec` continued from the fork at `path` ends as an independent run does:
  /// accuracies, ledger, weights and exemplar memory, bit for bit.
  static func continuedEqualsIndependent(_ path: String, _ spec: RunSpec) throws -> Bool {
    let plan = try Fixture.plan(spec)
    let fromFile = try TaskZeroFile.continueRun(from: path, plan: plan, data: Fixture.data(),
                                                context: Fixture.context)
    fromFile.learner.prefetchesBatches = false
    let independent = try ClassIncrementalRun(plan: plan, data: Fixture.data(), context: Fixture.context)
    independent.learner.prefetchesBatches = false
    let (a, b) = (try fromFile.run(), try independent.run())
    return a.cnn.total.map(\.bitPattern) == b.cnn.total.map(\.bitPattern) && a.ledger == b.ledger
      && fromFile.learner.network.state().isBitwiseEqual(to: independent.learner.network.state())
      && fromFile.learner.memory == independent.learner.memory
  }

  /// A file of an earlier Strata, without herding features, is still a fork: its runs compute
  /// the features and end as independent runs do. A features group that is not one matrix per
  /// class is refused, naming the file and the dataset.
  @Test func herdingFeaturesAreOptionalAndChecked() throws {
    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spec = Fixture.spec(.memo)
    var state = try Self.fork(spec)
    let withFeatures = state
    state.features = []
    let path = directory + "/old.h5"
    try TaskZeroFile.write(state, to: path, strataVersion: "test", commandLine: "")
    #expect(try TaskZeroFile.read(path).features.isEmpty)
    #expect(try Self.continuedEqualsIndependent(path, spec))

    var oneClassShort = withFeatures
    oneClassShort.features.removeLast()
    let bad = directory + "/bad.h5"
    try TaskZeroFile.write(oneClassShort, to: bad, strataVersion: "test", commandLine: "")
    #expect(Self.message { _ = try TaskZeroFile.read(bad) }
            == "\(bad): /herding_features/class_1 is missing or not two-dimensional (images × feature width)")
  }

  @Test func badFilesAreNamed() throws {
    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let missing = directory + "/none.h5"
    #expect(Self.message { _ = try TaskZeroFile.read(missing) } == "\(missing): no task-0 state here")
    // A run checkpoint is another kind of file.
    let plan = try Fixture.plan(Fixture.spec(.memo))
    let checkpoint = directory + "/checkpoint.h5"
    try Fixture.write(try Fixture.checkpoint(plan), plan, to: checkpoint)
    #expect(Self.message { _ = try TaskZeroFile.read(checkpoint) }
            == "\(checkpoint): format is \"strata-checkpoint\", not a strata-task0 file")
    // A fork of another seed.
    let path = directory + "/fork.h5"
    try TaskZeroFile.write(try Self.fork(Fixture.spec(.der) { $0.seed = 6 }), to: path,
                           strataVersion: "test", commandLine: "")
    let text = Self.message {
      _ = try TaskZeroFile.continueRun(from: path, plan: plan, data: Fixture.data(),
                                       context: Fixture.context)
    }
    #expect(text.hasPrefix(path + ": the task-0 state was trained with other settings: ")
            && text.contains("seed"), "\(text)")
  }
}
