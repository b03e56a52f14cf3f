import Data
import Foundation
import Testing

/// Release-mode helper for the batch assembly figure (`strata bench data` runs the same code):
///   STRATA_BENCH_DATA=1 swift test -c release --scratch-path .build-data --disable-xctest \
///     --filter DataBenchmarkTests
/// Skipped otherwise; it prints the figure and asserts only that batches were produced.
@Suite struct DataBenchmarkTests {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["STRATA_BENCH_DATA"] != nil))
  func cifarBatchAssembly() throws {
    let data = ImageArray.synthetic(count: 50_000, shape: .cifar, classCount: 100, seed: 1993)
    let trainRate = 325.0
    for (prefetch, workers) in [(false, 1), (true, 1), (true, 2)] {
      let loader = BatchLoader(dataset: data, batchSize: 128, augmentation: .cifar100Train,
        seed: 1993, prefetch: prefetch, workers: workers)
      let result = try DataBenchmark.batchAssembly(loader: loader, images: 20_000, repeats: 7)
      let ratio = String(format: "%.1f", result.median / trainRate)
      print("bench data: prefetch \(prefetch) workers \(workers): median "
        + "\(Int(result.median)) images/s (ratio \(ratio)x to \(Int(trainRate)) images/s); "
        + "repeats \(result.imagesPerSecond.map { Int($0) })")
      #expect(result.median > 0)
    }
  }

  @Test func smallRunProducesRates() throws {
    let data = ImageArray.synthetic(count: 100, shape: .cifar, classCount: 10, seed: 2)
    let loader = BatchLoader(dataset: data, batchSize: 32, augmentation: .cifar10Train)
    let result = try DataBenchmark.batchAssembly(loader: loader, images: 150, repeats: 3)
    #expect(result.imagesPerSecond.count == 3)
    #expect(result.imagesPerSecond.allSatisfy { $0 > 0 && $0.isFinite })
  }

  @Test func medianOfRepeats() {
    #expect(DataBenchmark.Result(imagesPerSecond: [5, 1, 3], imagesPerRepeat: 1).median == 3)
    #expect(DataBenchmark.Result(imagesPerSecond: [4, 1, 3, 10], imagesPerRepeat: 1).median == 3.5)
  }
}
