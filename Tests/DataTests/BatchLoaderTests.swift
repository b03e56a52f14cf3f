import Data
import Foundation
import Testing

@Suite struct BatchLoaderTests {
  static let data = ImageArray.synthetic(count: 300, shape: .cifar, classCount: 10, seed: 5)

  static func collect(_ loader: BatchLoader, epoch: Int) throws -> [Batch] {
    let iterator = loader.batches(epoch: epoch)
    var batches: [Batch] = []
    while let batch = try iterator.next() { batches.append(batch) }
    return batches
  }

  @Test func anEpochVisitsEverySampleOnce() throws {
    let order = ClassOrder(classCount: 10, seed: 1993)
    let loader = BatchLoader(dataset: Self.data, classOrder: order, batchSize: 64,
      augmentation: .cifar100Train, seed: 1)
    let batches = try Self.collect(loader, epoch: 0)
    #expect(batches.map(\.count) == [64, 64, 64, 64, 44])
    let indices = batches.flatMap(\.indices)
    #expect(indices.sorted() == Array(0..<300))
    #expect(indices != Array(0..<300))  // shuffled
    for batch in batches {
      #expect(batch.images.count == batch.count * 3072)
      for (j, index) in batch.indices.enumerated() {
        #expect(batch.labels[j] == order.position(of: Self.data.labels[index]))
      }
    }
    let dropLast = BatchLoader(dataset: Self.data, batchSize: 64, dropLast: true,
      augmentation: .cifar100Train)
    #expect(try Self.collect(dropLast, epoch: 0).map(\.count) == [64, 64, 64, 64])
  }

  @Test func seededAndIndependentOfPrefetchAndWorkers() throws {
    func loader(prefetch: Bool, workers: Int, seed: UInt64 = 7) -> BatchLoader {
      BatchLoader(dataset: Self.data, indices: Array(stride(from: 0, to: 300, by: 3)),
        batchSize: 32, augmentation: .cifar100Train, seed: seed, prefetch: prefetch,
        workers: workers)
    }
    let reference = try Self.collect(loader(prefetch: false, workers: 1), epoch: 2)
    for (prefetch, workers) in [(true, 1), (false, 2), (true, 3)] {
      let other = try Self.collect(loader(prefetch: prefetch, workers: workers), epoch: 2)
      #expect(other.map(\.indices) == reference.map(\.indices))
      #expect(other.map(\.images) == reference.map(\.images))
    }
    let nextEpoch = try Self.collect(loader(prefetch: true, workers: 1), epoch: 3)
    #expect(nextEpoch.map(\.indices) != reference.map(\.indices))
    let otherSeed = try Self.collect(loader(prefetch: true, workers: 1, seed: 8), epoch: 2)
    #expect(otherSeed.map(\.indices) != reference.map(\.indices))
    #expect(Set(reference.flatMap(\.indices)) == Set(stride(from: 0, to: 300, by: 3)))
  }

  @Test func testModeIsInOrderAndOnlyNormalized() throws {
    let loader = BatchLoader(dataset: Self.data, indices: [5, 9, 2], batchSize: 2,
      shuffle: false, augmentation: .cifar10Test)
    let batches = try Self.collect(loader, epoch: 0)
    #expect(batches.map(\.indices) == [[5, 9], [2]])
    let first = batches[0].images
    let pixels = Array(Self.data.image(at: 5))
    for k in [0, 1, 1500, 2100, 3071] {
      let c = k / 1024
      let expected = (Float(pixels[k]) / 255 - Augmentation.cifar10Mean[c])
        / Augmentation.cifar10Std[c]
      #expect(first[k] == expected)
    }
  }

  @Test func fashionMNISTTrainBatch() throws {
    let set = ImageArray.synthetic(count: 10, shape: .mnist, classCount: 10, seed: 1)
    let loader = BatchLoader(dataset: set, batchSize: 10, augmentation: .fashionMNISTTrain)
    let batch = try #require(try loader.batches(epoch: 0).next())
    #expect(batch.imageShape == .mnist)
    #expect(batch.images.count == 10 * 784)
    // Zero padding shows up as the normalized zero somewhere in a batch of random crops.
    let zero = (Float(0) - 0.2860) / 0.3530
    #expect(batch.images.contains(zero))
  }
}
