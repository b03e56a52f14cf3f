import Foundation
import NN

/// What task 0's training depends on, and nothing else: two runs with equal keys train task 0
/// to the same weights and BN statistics, bit for bit, whatever their split, learner (MEMO or
/// DER) or memory budget. At task 0 there are no exemplars yet, the loss is plain cross-entropy
/// (the auxiliary loss starts at task 1), the network is initialized from the seed in the same
/// order for every split (`ExpandableNetwork`), and batches are drawn from (seed, task, epoch).
///
/// In the key: the architecture as trained (JSON), the seed, the class order and task 0's
/// classes, the data set's name and subset (`train_per_class`, `test_per_class`,
/// `image_size`), task 0's schedule (epochs, rate, milestones, decay, weight decay, scheduler)
/// and the batch size, and the thread count and convolution setting (both change rounding).
/// Not in it, as for a resumed run: where the data lives (`data_root`).
public struct TaskZeroKey: Sendable, Hashable, Codable {
  public var architecture: String
  public var seed: Int
  public var classOrder: [Int]
  public var initialClasses: Int
  public var dataset: String
  public var trainPerClass: Int?
  public var testPerClass: Int?
  public var imageSize: Int?
  public var epochs: Int
  public var learningRate: Double
  public var milestones: [Int]
  public var learningRateDecay: Double
  public var weightDecay: Double
  public var scheduler: String
  public var batchSize: Int
  public var threads: Int
  public var convolution: String

  /// The key of `plan`'s task 0 at `threads` OpenMP threads and `convolution` (`auto`,
  /// `winograd`, `direct`).
  public init(plan: RunPlan, threads: Int, convolution: String) {
    let spec = plan.spec
    architecture = String(decoding: ArchitectureSpec.encode(plan.architecture), as: UTF8.self)
    seed = spec.seed
    classOrder = plan.stream.order.order
    initialClasses = plan.stream.tasks[0].classes.count
    dataset = spec.dataset
    trainPerClass = spec.trainPerClass
    testPerClass = spec.testPerClass
    imageSize = spec.imageSize
    epochs = spec.initialEpochs
    learningRate = spec.initialLearningRate
    milestones = spec.initialMilestones
    learningRateDecay = spec.initialLearningRateDecay
    weightDecay = spec.initialWeightDecay
    scheduler = spec.scheduler
    batchSize = spec.batchSize
    self.threads = threads
    self.convolution = convolution
  }

  /// The key as JSON with sorted keys: what a fork file stores and compares.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    } catch {
      preconditionFailure("a task-0 key always encodes: \(error)")
    }
  }

  /// 16 hex digits of the 64-bit FNV-1a hash of `json`: a short, stable name for the fork's
  /// file (equal keys, equal digests on every machine; the file keeps the whole key, so a
  /// collision is caught when it is read).
  public var digest: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in json.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The fields (coding keys) where `self` and `other` differ, sorted.
  public func differences(from other: TaskZeroKey) -> [String] {
    let objects = [self, other].map {
      (try? JSONSerialization.jsonObject(with: Data($0.json.utf8))) as? [String: Any] ?? [:]
    }
    let text = { (value: Any?) in
      value.flatMap { try? JSONSerialization.data(withJSONObject: $0,
                                                  options: [.sortedKeys, .fragmentsAllowed]) }
    }
    return Set(objects[0].keys).union(objects[1].keys)
      .filter { text(objects[0][$0]) != text(objects[1][$0]) }.sorted()
  }
}
