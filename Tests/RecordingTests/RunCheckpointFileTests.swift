import CIL
import Foundation
import HDF5
import NN
import Testing
@testable import Recording

/// The checkpoint file: everything read back bit for bit, a person's view of it, and every kind
/// of bad file refused with the file and the offending dataset named.
@Suite struct RunCheckpointFileTests {
  typealias Fixture = CheckpointFixture

  static func withCheckpoint<T>(_ kind: LearnerKind = .memo, teacher: Bool = false,
                                edit: (inout RunCheckpoint) -> Void = { _ in },
                                _ body: (String, RunPlan) throws -> T) throws -> T
  {
    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let plan = try Fixture.plan(Fixture.spec(kind))
    var checkpoint = try Fixture.checkpoint(plan, teacher: teacher)
    edit(&checkpoint)
    let path = directory + "/checkpoint.h5"
    try Fixture.write(checkpoint, plan, to: path)
    return try body(path, plan)
  }

  /// The message of the error `body` throws (any error type).
  static func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  static func resume(_ path: String, _ plan: RunPlan) throws {
    _ = try RunCheckpointFile.resume(from: path, plan: plan, data: Fixture.data(),
                                     context: Fixture.context)
  }

  static func bits(_ m: AccuracyMatrix?) -> [[UInt64]] {
    guard let m else { return [] }
    return (m.values + [m.total]).map { $0.map(\.bitPattern) }
  }

  @Test(arguments: [false, true])
  func everythingReadsBackBitwise(teacher: Bool) throws {
    let plan = try Fixture.plan(Fixture.spec(.memo))
    let original = try Fixture.checkpoint(plan, teacher: teacher)
    try Self.withCheckpoint(teacher: teacher) { path, _ in
      let (header, read) = try RunCheckpointFile.read(path)
      #expect(header.architecture == plan.architecture && header.method == "memo")
      #expect(header.split == "stage2.block1" && header.runSpec == plan.spec.canonicalJSON)
      #expect(read.position == original.position && read.taskSizes == [2, 2])
      #expect(read.knownClasses == 2 && read.totalClasses == 4)
      #expect(read.network.isBitwiseEqual(to: original.network))
      #expect(read.network.parameters.map(\.name) == original.network.parameters.map(\.name))
      #expect(read.momentum.count == 3 && zip(read.momentum, original.momentum).allSatisfy {
        $0.isBitwiseEqual(to: $1)
      })
      #expect((read.teacher != nil) == teacher)
      if let t = read.teacher { #expect(t.isBitwiseEqual(to: original.teacher!)) }
      #expect(read.memory == original.memory)
      #expect(Self.bits(read.result.cnn) == Self.bits(original.result.cnn))
      #expect(Self.bits(read.result.nme) == Self.bits(original.result.nme))
      #expect(read.result.ledger == original.result.ledger)
      #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }
  }

  /// The run spec attribute holds every setting and decodes to the same spec.
  /// The convolution preference is recorded (resume warns on another); files written before it
  /// was recorded read as unknown rather than failing.
  @Test func theConvolutionPreferenceReadsBackAndMayBeAbsent() throws {
    try Self.withCheckpoint { path, _ in
      #expect(try RunCheckpointFile.read(path).header.convolution == RunCheckpointFile.convolution)
      try Oracles.run("break_h5.py", [path, "delattr:/:convolution"])
      #expect(try RunCheckpointFile.read(path).header.convolution == nil)
    }
  }

  @Test func theRunSpecReadsBack() throws {
    var spec = Fixture.spec(.memo) { $0.memoryBudget = .der(exemplars: 40); $0.trainShared = false
      $0.initialWeightDecay = 5e-4; $0.learningRate = 0.037
      $0.trainPerClass = 30; $0.testPerClass = 9 }
    spec.warnings = []
    let decoded = try RunSpec.decode(Data(spec.canonicalJSON.utf8), file: "run_spec")
    #expect(decoded == spec)
  }

  /// Resuming restores the network values and starts in the checkpoint's task.
  @Test func resumeRestoresTheNetwork() throws {
    let plan = try Fixture.plan(Fixture.spec(.memo))
    let original = try Fixture.checkpoint(plan)
    try Self.withCheckpoint { path, plan in
      let (run, _, position) = try RunCheckpointFile.resume(
        from: path, plan: plan, data: Fixture.data(), context: Fixture.context)
      #expect(position == original.position && run.nextTask == 1)
      #expect(run.learner.network.state().isBitwiseEqual(to: original.network))
      #expect(run.learner.network.branches.count == 2)
      #expect(run.learner.memory == original.memory && run.result.cnn.tasksSeen == 1)
    }
  }

  @Test func aTruncatedFileIsNamed() throws {
    try Self.withCheckpoint { path, plan in
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      for length in [bytes.count * 2 / 3, 200] {
        try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
        let text = Self.message { try Self.resume(path, plan) }
        #expect(text.contains(path) && text.contains("truncated"), "\(length) bytes: \(text)")
      }
    }
  }

  @Test func aMissingParameterIsNamed() throws {
    try Self.withCheckpoint(edit: { $0.network.parameters.removeAll { $0.name == "head.bias" } }) {
      path, plan in
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains(path) && text.contains("/parameters/head.bias: missing"), "\(text)")
    }
  }

  /// A dataset deleted with h5py, as a person editing the file might.
  @Test func aDeletedDatasetIsNamed() throws {
    try Self.withCheckpoint { path, plan in
      try Oracles.run("break_h5.py", [path, "delete:memory/exemplar_index"])
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains(path) && text.contains("missing dataset /memory/exemplar_index"),
              "\(text)")
    }
  }

  @Test func aShapeMismatchIsNamed() throws {
    try Self.withCheckpoint(edit: { checkpoint in
      let i = checkpoint.network.buffers.firstIndex { $0.name == "stage1.block1.bn2.running_var" }!
      checkpoint.network.buffers[i] = NamedArray(name: "stage1.block1.bn2.running_var",
                                                 shape: [2, 2], values: [1, 1, 1, 1])
    }) { path, plan in
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains(path) && text.contains(
        "/buffers/stage1.block1.bn2.running_var: shape [2, 2], the network's is [4]"), "\(text)")
    }
  }

  @Test func anUnknownParameterIsNamed() throws {
    try Self.withCheckpoint(edit: {
      $0.network.parameters.append(NamedArray(name: "branch3.stage2.block1.conv1.weight",
                                              shape: [1], values: [0]))
    }) { path, plan in
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains("/parameters/branch3.stage2.block1.conv1.weight: not in the network"),
              "\(text)")
    }
  }

  @Test func momentumOfAnUnknownParameterIsNamed() throws {
    try Self.withCheckpoint(edit: {
      $0.momentum.append(NamedArray(name: "stage9.block1.conv1.weight", shape: [1], values: [0]))
    }) { path, plan in
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains(path)
        && text.contains("/momentum/stage9.block1.conv1.weight: not in the network"), "\(text)")
    }
  }

  @Test func anotherArchitectureIsRefused() throws {
    try Self.withCheckpoint { path, _ in
      var wider = Fixture.tiny
      wider.name = "wider"
      wider.stemWidth = 8
      let plan = try Fixture.plan(Fixture.spec(.memo), architecture: wider)
      let text = Self.message { try Self.resume(path, plan) }
      #expect(text.contains(path) && text.contains("written for architecture tiny")
        && text.contains("differ in name, stemWidth"), "\(text)")
    }
  }

  @Test func otherTrainingSettingsAreRefused() throws {
    try Self.withCheckpoint { path, _ in
      let seed = try Fixture.plan(Fixture.spec(.memo) { $0.seed = 6; $0.dataRoot = "/elsewhere" })
      #expect(Self.message { try Self.resume(path, seed) }
        .contains("other training settings: seed differ"))
      let method = try Fixture.plan(Fixture.spec(.der))
      #expect(Self.message { try Self.resume(path, method) }.contains("written by memo"))
      // Where the data lives does not matter.
      let moved = try Fixture.plan(Fixture.spec(.memo) { $0.dataRoot = "/elsewhere" })
      try Self.resume(path, moved)
    }
  }

  @Test func aFileThatIsNoCheckpointIsNamed() throws {
    let directory = try Fixture.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/other.h5"
    let file = try HDF5File.create(path)
    try file.root.createDataset("x", values: [Float(1)])
    try file.close()
    #expect(Self.message { _ = try RunCheckpointFile.read(path) }
      == "\(path): missing attribute format at /")
    #expect(Self.message { _ = try RunCheckpointFile.read(directory + "/none.h5") }
      == "\(directory)/none.h5: no checkpoint here")
  }
}
