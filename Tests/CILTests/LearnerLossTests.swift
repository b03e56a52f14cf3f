import Data
import Foundation
import NN
import Tensor
import Testing
@testable import CIL

/// The losses of iCaRL and MEMO on one batch at the start of the second task, against plain
/// Float64 formulas written out here: iCaRL is CE over all classes + KD(T = 2) of the old
/// classes' logits against the frozen previous network; MEMO is CE + 1.0 · CE of the auxiliary
/// head with new classes mapped to 1… and old ones to 0.
///
/// An extension of the serialized `LearnerTests`: trainings that overlap in one process each
/// start an OpenMP team, and on two cores the teams' spin-waits slow every run tenfold or more.
extension LearnerTests {
  /// A learner after task 0, then grown for task 1 without training it (0 epochs).
  static func atSecondTask(_ kind: LearnerKind) throws -> (Learner, Tensor, [Int32]) {
    let data = CILTest.dataset()
    let plan = try CILTest.plan(CILTest.spec(kind) { $0.epochs = 0 })
    let learner = try Learner.make(plan: plan, context: CILTest.context)
    learner.prefetchesBatches = false
    try learner.incrementalTrain(task: 0, data: data)
    try learner.buildRehearsalMemory(data: data)
    try learner.afterTask()
    try learner.incrementalTrain(task: 1, data: data)
    let indices = plan.stream.trainingIndices(task: 1, labels: data.train.labels,
                                              exemplars: learner.memory.allIndices)
    let loader = BatchLoader(dataset: data.train, indices: indices,
                             classOrder: plan.stream.order, batchSize: 8, shuffle: true,
                             augmentation: data.testAugmentation, seed: 1, prefetch: false)
    let batch = try #require(try loader.batches(epoch: 0).next())
    #expect(Set(batch.labels).count > 1)
    return (learner, try learner.images(batch), batch.labels)
  }

  static func logSoftmax(_ z: [Double]) -> [Double] {
    let m = z.max()!
    let s = log(z.reduce(0) { $0 + exp($1 - m) }) + m
    return z.map { $0 - s }
  }

  static func crossEntropy(_ rows: [[Float]], _ labels: [Int]) -> Double {
    zip(rows, labels).reduce(0) { $0 - logSoftmax($1.0.map(Double.init))[$1.1] }
      / Double(rows.count)
  }

  @Test func icarlIsCrossEntropyPlusDistillation() throws {
    let (learner, x, labels) = try Self.atSecondTask(.icarl)
    let icarl = try #require(learner as? ICaRL)
    let old = try #require(icarl.oldNetwork)
    #expect(!old.hasTrainableParameters)
    learner.network.setTraining(false)
    let output = try learner.network(x, recording: false)
    let logits = try learner.rows(output.logits)
    let oldLogits = try learner.rows(try old(x, recording: false).logits)
    #expect(logits[0].count == 4 && oldLogits[0].count == 2)
    let t = 2.0
    var kd = 0.0
    for (z, q) in zip(logits, oldLogits) {
      let p = Self.logSoftmax(z.prefix(2).map { Double($0) / t })
      let target = Self.logSoftmax(q.map { Double($0) / t }).map(exp)
      kd -= zip(target, p).reduce(0) { $0 + $1.0 * $1.1 }
    }
    kd /= Double(logits.count)
    let expected = Self.crossEntropy(logits, labels.map(Int.init)) + kd
    let (loss, dLogits, dAux) = try learner.loss(output, labels: labels, input: x)
    #expect(abs(loss - expected) < 1e-5, "\(loss) vs \(expected)")
    #expect(dAux == nil && kd > 1e-4)
    // The KD gradient lands on the old columns: the rows no longer sum to zero there alone.
    let g = try learner.rows(dLogits)
    #expect(g.allSatisfy { abs($0.reduce(0, +)) < 1e-5 })
  }

  @Test func memoAddsTheAuxiliaryLoss() throws {
    let (learner, x, labels) = try Self.atSecondTask(.memo)
    learner.network.setTraining(false)
    let output = try learner.network(x, recording: false)
    let logits = try learner.rows(output.logits)
    let auxiliary = try learner.rows(try #require(output.auxiliaryLogits))
    #expect(auxiliary[0].count == 3)
    let mapped = labels.map { $0 >= 2 ? Int($0) - 1 : 0 }
    let expected = Self.crossEntropy(logits, labels.map(Int.init))
      + Self.crossEntropy(auxiliary, mapped)
    let (loss, _, dAux) = try learner.loss(output, labels: labels, input: x)
    #expect(abs(loss - expected) < 1e-5, "\(loss) vs \(expected)")
    let g = try learner.rows(try #require(dAux))
    // dCE/dz = softmax − onehot: negative exactly at the mapped label.
    for (row, y) in zip(g, mapped) { #expect(row.indices.filter { row[$0] < 0 } == [y]) }
  }
}
