import Common
import Foundation

/// One mini-batch as the engine copies it in: images as Float N×C×H×W (augmented and
/// normalized), labels as Int32 training labels (class positions when a `ClassOrder` is given),
/// and the dataset indices they came from (for exemplar selection and debugging).
public struct Batch: Sendable {
  public let images: [Float]
  public let labels: [Int32]
  public let indices: [Int]
  /// Shape of one image (C, H, W).
  public let imageShape: ImageShape

  public var count: Int { labels.count }
}

/// Assembles shuffled, augmented batches from a data set, like PyTorch's `DataLoader` over
/// PyCIL's `DummyDataset`: per epoch a seeded shuffle of the sample indices, then batches of
/// `batchSize` (the last one smaller unless `dropLast`), each image transformed by
/// `augmentation`.
///
/// Determinism: the epoch's order comes from `SplitMix64.derived(seed, epoch)` and every image's
/// augmentation from `SplitMix64.derived(seed, epoch, position in epoch)`, so the batches are
/// the same with or without prefetching and for any number of workers.
/// Prefetching assembles the next batch on a background thread while the caller trains on the
/// current one; `workers > 1` splits one batch's images across threads (decoding JPEGs).
public struct BatchLoader: Sendable {
  public let dataset: any ImageDataset
  /// The samples the loader draws from (a task's training indices, say).
  public let indices: [Int]
  /// Original label → training label; nil keeps original labels.
  public let labelMap: [Int32]?
  public let batchSize: Int
  public let shuffle: Bool
  public let dropLast: Bool
  public let augmentation: Augmentation
  public let seed: UInt64
  public let prefetch: Bool
  public let workers: Int
  /// Shape of every output image.
  public let imageShape: ImageShape

  /// - Precondition: the augmentation's output size is fixed, or every image has one shape;
  ///   the normalization has one value per channel; `batchSize ≥ 1`.
  public init(
    dataset: any ImageDataset, indices: [Int]? = nil, classOrder: ClassOrder? = nil,
    batchSize: Int = 128, shuffle: Bool = true, dropLast: Bool = false,
    augmentation: Augmentation, seed: UInt64 = 0, prefetch: Bool = true, workers: Int = 1
  ) {
    precondition(batchSize >= 1, "batch size must be at least 1")
    precondition(workers >= 1, "workers must be at least 1")
    let channels = dataset.imageShape?.channels ?? 3  // decoded files are RGB
    precondition(augmentation.mean.count == channels,
      "augmentation normalizes \(augmentation.mean.count) channels, images have \(channels)")
    if let size = augmentation.fixedOutputSize() {
      imageShape = ImageShape(channels: channels, height: size.height, width: size.width)
    } else {
      guard let shape = dataset.imageShape else {
        preconditionFailure("images of varying size need a resizing or cropping augmentation")
      }
      imageShape = shape
    }
    let all = indices ?? Array(0..<dataset.count)
    precondition(all.allSatisfy { $0 >= 0 && $0 < dataset.count }, "sample index out of range")
    if let classOrder { precondition(classOrder.classCount == dataset.classCount,
      "class order has \(classOrder.classCount) classes, the data set \(dataset.classCount)") }
    self.dataset = dataset
    self.indices = all
    self.labelMap = classOrder?.positions
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.augmentation = augmentation
    self.seed = seed
    self.prefetch = prefetch
    self.workers = workers
  }

  /// Number of batches per epoch.
  public var batchCount: Int {
    dropLast ? indices.count / batchSize : (indices.count + batchSize - 1) / batchSize
  }

  /// The order in which epoch `epoch` visits the samples (seeded Fisher–Yates, or as given).
  public func order(epoch: Int) -> [Int] {
    guard shuffle else { return indices }
    var rng = SplitMix64.derived(seed: seed, 0x5348_5546, UInt64(bitPattern: Int64(epoch)))
    var order = indices
    var i = order.count - 1
    while i >= 1 {
      order.swapAt(i, rng.nextInt(below: i + 1))
      i -= 1
    }
    return order
  }

  /// An iterator over the batches of epoch `epoch`.
  public func batches(epoch: Int) -> EpochIterator {
    EpochIterator(loader: self, epoch: epoch)
  }

  /// Batch `batch` of an epoch whose order is `order` (as `order(epoch:)` returns).
  public func assemble(batch: Int, order: [Int], epoch: Int) throws -> Batch {
    let start = batch * batchSize
    let end = min(start + batchSize, order.count)
    precondition(start < end, "batch \(batch) is past the end of the epoch")
    let n = end - start
    let stride = imageShape.elementCount
    let chosen = Array(order[start..<end])
    let originalLabels = dataset.labels
    let labels = chosen.map { index -> Int32 in
      let label = originalLabels[index]
      return labelMap.map { $0[Int(label)] } ?? label
    }
    let failures = FirstError()
    var images = [Float](repeating: 0, count: n * stride)
    images.withUnsafeMutableBufferPointer { buffer in
      // Workers write disjoint images of one buffer that outlives them.
      let output = OutputBuffer(base: buffer.baseAddress!)
      let fill = { @Sendable (j: Int) in
        let base = output.base
        do {
          var rng = SplitMix64.derived(
            seed: self.seed, UInt64(bitPattern: Int64(epoch)), UInt64(start + j))
          try self.dataset.withPixels(at: chosen[j]) { pixels in
            precondition(self.augmentation.outputShape(for: pixels.shape).height
              == self.imageShape.height, "image \(chosen[j]) has an unexpected size")
            self.augmentation.apply(pixels, using: &rng, into: base + j * stride)
          }
        } catch {
          failures.record(error, at: j)
        }
      }
      let threads = min(workers, n)
      if threads > 1 {
        DispatchQueue.concurrentPerform(iterations: threads) { w in
          for j in Swift.stride(from: w, to: n, by: threads) { fill(j) }
        }
      } else {
        for j in 0..<n { fill(j) }
      }
    }
    if let error = failures.error { throw error }
    return Batch(images: images, labels: labels, indices: chosen, imageShape: imageShape)
  }
}

/// The batches of one epoch, in order; with prefetching the next batch is assembled on a
/// background thread while the caller works on the current one.
public final class EpochIterator {
  public let loader: BatchLoader
  public let epoch: Int
  private let order: [Int]
  private let count: Int
  private var nextBatch = 0
  private var pending: PendingBatch?

  init(loader: BatchLoader, epoch: Int) {
    self.loader = loader
    self.epoch = epoch
    self.order = loader.order(epoch: epoch)
    self.count = loader.batchCount
    if loader.prefetch && count > 0 { pending = start(0) }
  }

  /// The next batch, or nil at the end of the epoch. Errors (an undecodable image) are thrown
  /// by the call that would have returned the batch.
  public func next() throws -> Batch? {
    guard nextBatch < count else { return nil }
    let index = nextBatch
    nextBatch += 1
    if let current = pending {
      pending = nextBatch < count ? start(nextBatch) : nil
      return try current.wait()
    }
    return try loader.assemble(batch: index, order: order, epoch: epoch)
  }

  private func start(_ batch: Int) -> PendingBatch {
    let box = PendingBatch()
    let loader = self.loader, order = self.order, epoch = self.epoch
    DispatchQueue.global(qos: .userInitiated).async {
      box.fulfil(Result { try loader.assemble(batch: batch, order: order, epoch: epoch) })
    }
    return box
  }
}

/// A batch being assembled on another thread.
final class PendingBatch: @unchecked Sendable {
  private let condition = NSCondition()
  private var result: Result<Batch, any Error>?

  func fulfil(_ value: Result<Batch, any Error>) {
    condition.lock()
    result = value
    condition.broadcast()
    condition.unlock()
  }

  func wait() throws -> Batch {
    condition.lock()
    while result == nil { condition.wait() }
    let value = result!
    condition.unlock()
    return try value.get()
  }
}

/// A batch buffer shared by the workers that fill disjoint parts of it.
struct OutputBuffer: @unchecked Sendable {
  let base: UnsafeMutablePointer<Float>
}

/// The error of the lowest-numbered failing image, so workers report deterministically.
final class FirstError: @unchecked Sendable {
  private let lock = NSLock()
  private var first: (index: Int, error: any Error)?

  func record(_ error: any Error, at index: Int) {
    lock.lock()
    if first == nil || index < first!.index { first = (index, error) }
    lock.unlock()
  }

  var error: (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    return first?.error
  }
}
