import CIL
import Data
import Foundation
import StrataTestSupport
import Testing

/// A split without a class is refused before training (issue 24, case 5), naming the class and
/// the split: it used to train with rc 0 and report "exemplars 0" or a NaN accuracy.
@Suite struct EmptyClassTests {
  /// `images` without the images of the classes in `dropped`.
  static func without(_ dropped: Set<Int32>, _ images: ImageArray, source: String) -> ImageArray {
    let n = images.shape.elementCount
    let kept = images.labels.indices.filter { !dropped.contains(images.labels[$0]) }
    return ImageArray(shape: images.shape, pixels: kept.flatMap { images.pixels[$0 * n..<($0 + 1) * n] },
                      labels: kept.map { images.labels[$0] }, classNames: images.classNames,
                      source: source)
  }

  static func message(train: ImageArray, test: ImageArray) -> String {
    let augmentation = Augmentation(mean: [0.3], std: [0.3])
    let data = IncrementalDataset(name: "bars", train: train, test: test,
                                  trainAugmentation: augmentation, testAugmentation: augmentation)
    do {
      let plan = try CILTest.plan(CILTest.spec(.replay))
      _ = try ClassIncrementalRun(plan: plan, data: data, context: CILTest.context)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func aTrainSplitWithoutAClassIsRefused() {
    let train = Self.without([3], CILTest.images(classes: 6, perClass: 10, seed: 1),
                             source: "train-images")
    let message = Self.message(train: train, test: CILTest.images(classes: 6, perClass: 4, seed: 2))
    #expect(message.contains("train-images") && message.contains("the train split has no image of class 3 ('bar3')"),
            "\(message)")
  }

  @Test func aTestSplitOfOneClassIsRefused() {
    let test = Self.without([1, 2, 3, 4, 5], CILTest.images(classes: 6, perClass: 4, seed: 2),
                            source: "test-images")
    let message = Self.message(train: CILTest.images(classes: 6, perClass: 10, seed: 1), test: test)
    #expect(message.contains("test-images") && message.contains("the test split has no image of class 1 ('bar1')")
            && message.contains("images of 1 of the data set's classes"), "\(message)")
  }

  @Test func everyClassPresentPasses() {
    #expect(Self.message(train: CILTest.images(classes: 6, perClass: 10, seed: 1),
                         test: CILTest.images(classes: 6, perClass: 4, seed: 2)) == "no error")
  }
}
