import Data
import Foundation
import Testing

/// The pieces together: Fashion-MNIST, class order, tasks, exemplars and batches.
@Suite struct IncrementalDatasetTests {
  @Test func fashionMNISTTaskPipeline() throws {
    let dataset = try IncrementalDataset.fashionMNIST()
    #expect(dataset.classCount == 10)
    #expect(dataset.train.count == 60_000 && dataset.test.count == 10_000)
    #expect(dataset.trainAugmentation == .fashionMNISTTrain)

    let order = ClassOrder(classCount: 10, seed: 1993)
    let stream = TaskStream(order: order, initialClasses: 4, increment: 4)
    #expect(stream.increments == [4, 4, 2])
    let exemplars = [0, 1, 2]  // any old samples the memory keeps
    let indices = stream.trainingIndices(
      task: 1, labels: dataset.train.labels, exemplars: exemplars)
    #expect(indices.count == 4 * 6000 + 3)
    let loader = BatchLoader(dataset: dataset.train, indices: indices, classOrder: order,
      batchSize: 128, augmentation: dataset.trainAugmentation, seed: 3)
    let batch = try #require(try loader.batches(epoch: 0).next())
    #expect(batch.imageShape == .mnist)
    let exemplarLabels = Set(exemplars.map { order.position(of: dataset.train.labels[$0]) })
    for (label, index) in zip(batch.labels, batch.indices) {
      if exemplars.contains(index) {
        #expect(exemplarLabels.contains(label))
      } else {
        #expect(stream.tasks[1].classes.contains(Int(label)))
      }
    }
    let test = stream.testIndices(task: 1, labels: dataset.test.labels)
    #expect(test.count == 8 * 1000)
  }

  /// The normalization constants are the training set's own statistics.
  @Test func fashionMNISTStatistics() throws {
    let train = try IDXReader.fashionMNIST(split: .train)
    var sum = 0, sumSquares = 0
    train.pixels.withUnsafeBufferPointer { pixels in
      for p in pixels {
        sum &+= Int(p)
        sumSquares &+= Int(p) * Int(p)
      }
    }
    let n = Double(train.pixels.count)
    let mean = Double(sum) / n / 255
    let std = (Double(sumSquares) / n / (255 * 255) - mean * mean).squareRoot()
    #expect(abs(mean - Double(Augmentation.fashionMNISTMean[0])) < 5e-4)
    #expect(abs(std - Double(Augmentation.fashionMNISTStd[0])) < 5e-4)
  }

  @Test func cifarFromABinaryFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let record = { (label: UInt8) in [label] + [UInt8](repeating: label, count: 3072) }
    for b in 1...5 {
      try folder.write("cifar-10-batches-bin/data_batch_\(b).bin", record(UInt8(b)))
    }
    try folder.write("cifar-10-batches-bin/test_batch.bin", record(0) + record(9))
    let dataset = try IncrementalDataset.cifar(root: folder.url, variant: .cifar10)
    #expect(dataset.train.count == 5 && dataset.test.count == 2)
    #expect(dataset.test.labels == [0, 9])
    #expect(dataset.testAugmentation == .cifar10Test)
  }
}
