import CIL
import Common
import Data
import Foundation
import NN

/// The train stage's fixture: generated 8×8 grey images of 4 classes (class c lights row c)
/// and a tiny ResNet for them.
public enum BarsFixture {
  public static func data() -> IncrementalDataset {
    var rng = SplitMix64(seed: 3)
    let shape = ImageShape(channels: 1, height: 8, width: 8)
    func images(_ perClass: Int) -> ImageArray {
      var pixels: [UInt8] = [], labels: [Int32] = []
      for i in 0..<(4 * perClass) {
        for y in 0..<8 { for _ in 0..<8 {
          pixels.append(UInt8(rng.nextInt(below: 60) + (y == i % 4 ? 180 : 0)))
        } }
        labels.append(Int32(i % 4))
      }
      return ImageArray(shape: shape, pixels: pixels, labels: labels,
                        classNames: ["a", "b", "c", "d"], source: "generated")
    }
    let augmentation = Augmentation(mean: [0.3], std: [0.3])
    return IncrementalDataset(name: "bars", train: images(12), test: images(4),
                              trainAugmentation: augmentation, testAugmentation: augmentation)
  }

  public static func plan(_ spec: RunSpec) throws -> RunPlan {
    let architecture = ResNetArchitecture(
      name: "tiny", stem: .cifar, stemWidth: 4,
      stages: [.init(blocks: 1, width: 4, stride: 1), .init(blocks: 1, width: 8, stride: 2)],
      shortcut: .zeroPadding, inputChannels: 1, inputSize: 8, classes: 4)
    return try RunPlan(spec, architecture: architecture, classCount: 4,
                       image: ImageShape(channels: 1, height: 8, width: 8), file: "spec.json")
  }

  /// `body` in a fresh temporary folder, removed after it.
  public static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
  }
}
