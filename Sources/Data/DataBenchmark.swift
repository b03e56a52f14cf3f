import Common
import Foundation

/// Measures how fast `BatchLoader` assembles batches (reading, augmenting, normalizing), to
/// check that data never starves training. Used by `strata bench data`; a benchmark prints, it
/// never asserts a time.
public enum DataBenchmark {
  public struct Result: Sendable {
    public init(imagesPerSecond: [Double], imagesPerRepeat: Int) {
      self.imagesPerSecond = imagesPerSecond
      self.imagesPerRepeat = imagesPerRepeat
    }

    /// Images per second of each timed repeat.
    public let imagesPerSecond: [Double]
    public let imagesPerRepeat: Int

    /// The median over repeats (mean of the two middle values for an even count).
    public var median: Double { Common.median(imagesPerSecond) }
  }

  /// Times `repeats` runs of at least `images` images each, after one untimed warm-up batch.
  /// Each repeat iterates whole batches from consecutive epochs, as training would.
  public static func batchAssembly(loader: BatchLoader, images: Int, repeats: Int) throws
    -> Result
  {
    precondition(images >= 1 && repeats >= 1, "need at least one image and one repeat")
    precondition(loader.batchCount >= 1, "the loader yields no batch")
    _ = try loader.batches(epoch: -1).next()
    var rates: [Double] = []
    var epoch = 0
    var checksum: Float = 0
    for _ in 0..<repeats {
      var produced = 0
      let start = DispatchTime.now().uptimeNanoseconds
      while produced < images {
        let iterator = loader.batches(epoch: epoch)
        epoch += 1
        while produced < images, let batch = try iterator.next() {
          produced += batch.count
          checksum += batch.images[0]
        }
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      rates.append(Double(produced) / seconds)
    }
    precondition(checksum.isFinite, "batches hold non-finite values")
    return Result(imagesPerSecond: rates, imagesPerRepeat: images)
  }
}
