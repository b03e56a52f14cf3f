import CIL
import Common
import Data
import NN
import Tensor

/// Shared fixtures of the learner and probe tests: a tiny ResNet and generated 8×8 grey images
/// whose classes differ by a bright bar, so a few epochs learn them.
public enum CILTest {
  public static let context = try! ComputeContext.shared()

  /// stem 4 → stage1 (1 block, 4) → stage2 (1 block, 8, stride 2), option A; 8×8 grey inputs.
  public static let architecture = ResNetArchitecture(
    name: "tiny", stem: .cifar, stemWidth: 4,
    stages: [.init(blocks: 1, width: 4, stride: 1), .init(blocks: 1, width: 8, stride: 2)],
    shortcut: .zeroPadding, inputChannels: 1, inputSize: 8, classes: 6)

  public static let image = ImageShape(channels: 1, height: 8, width: 8)

  /// Class c lights row c (c < 8) or column c − 8 on noise; `perClass` images per class.
  public static func images(classes: Int, perClass: Int, seed: UInt64) -> ImageArray {
    var rng = SplitMix64(seed: seed)
    var pixels: [UInt8] = [], labels: [Int32] = []
    for i in 0..<(classes * perClass) {
      let c = i % classes
      for y in 0..<8 {
        for x in 0..<8 {
          let bar = c < 8 ? y == c : x == c - 8
          let noise = Int(rng.nextInt(below: 70))
          pixels.append(UInt8(min(255, noise + (bar ? 170 : 0))))
        }
      }
      labels.append(Int32(c))
    }
    return ImageArray(shape: image, pixels: pixels, labels: labels,
                      classNames: (0..<classes).map { "bar\($0)" }, source: "generated")
  }

  public static func dataset(classes: Int = 6, train: Int = 40, test: Int = 10) -> IncrementalDataset {
    let augmentation = Augmentation(mean: [0.3], std: [0.3])
    return IncrementalDataset(
      name: "bars", train: images(classes: classes, perClass: train, seed: 1),
      test: images(classes: classes, perClass: test, seed: 2),
      trainAugmentation: augmentation, testAugmentation: augmentation)
  }

  /// A short run: 3 tasks of 2 classes, 8 epochs then 6, 24 exemplars in all.
  public static func spec(_ kind: LearnerKind, configure: (inout RunSpec) -> Void = { _ in }) -> RunSpec {
    var spec = RunSpec()
    spec.modelName = kind
    spec.dataset = "bars"
    spec.initialClasses = 2
    spec.increment = 2
    spec.memorySize = 24
    spec.initialEpochs = 8
    spec.epochs = 6
    spec.initialMilestones = [6]
    spec.milestones = [4]
    spec.initialLearningRate = 0.05
    spec.learningRate = 0.05
    spec.batchSize = 16
    spec.seed = 7
    configure(&spec)
    return spec
  }

  public static func plan(_ spec: RunSpec, classes: Int = 6) throws -> RunPlan {
    try RunPlan(spec, architecture: architecture, classCount: classes, image: image,
                file: "test.json")
  }
}
