import Data
import Foundation
import Testing

/// The model's input shape: the transforms' output, separate from the stored (file) size.
@Suite struct InputShapeTests {
  @Test func imageFolderInputIsTheCrop() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try ImageFolderTests.makeTree(folder)
    let reference = try IncrementalDataset.imageFolder(root: folder.url)
    #expect(try reference.inputShape() == ImageShape(channels: 3, height: 224, width: 224))
    #expect(reference.testAugmentation.geometry == .resizeCenterCrop(resize: 256, crop: 224))
    let small = try IncrementalDataset.imageFolder(root: folder.url, size: 16)
    #expect(try small.inputShape() == ImageShape(channels: 3, height: 16, width: 16))
    #expect(small.testAugmentation.geometry == .resizeCenterCrop(resize: 18, crop: 16))
  }

  @Test func fixedSizeSetsKeepTheirShape() throws {
    let shape = ImageShape(channels: 1, height: 6, width: 6)
    let images = ImageArray(shape: shape, pixels: [UInt8](repeating: 9, count: 2 * 36),
                            labels: [0, 1], classNames: ["a", "b"], source: "generated")
    let crop = Augmentation(geometry: .randomCrop(size: 6, padding: 2), mean: [0.5], std: [0.5])
    let data = IncrementalDataset(name: "tiny", train: images, test: images,
      trainAugmentation: crop, testAugmentation: Augmentation(mean: [0.5], std: [0.5]))
    #expect(try data.inputShape() == shape)
  }

  @Test func unresizedVaryingImagesAndMismatchedTransformsNameTheSource() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try ImageFolderTests.makeTree(folder)
    let (train, test) = try ImageFolder.trainAndValidation(root: folder.url)
    let plain = Augmentation(mean: Augmentation.imageNetMean, std: Augmentation.imageNetStd)
    let unresized = IncrementalDataset(name: "raw", train: train, test: test,
                                       trainAugmentation: plain, testAugmentation: plain)
    let message = errorMessage { _ = try unresized.inputShape() }
    #expect(message.contains(train.source) && message.contains("vary in size"))
    let mismatched = IncrementalDataset(name: "odd", train: train, test: test,
      trainAugmentation: .imageFolderTrain(size: 16), testAugmentation: .imageFolderTest(size: 24))
    #expect(errorMessage { _ = try mismatched.inputShape() }.contains("3×16×16"))
  }
}
