import Foundation

/// A data set ready for class-incremental learning: its train and test splits and the transforms
/// the reference code uses for it, as PyCIL's `iData` subclasses (`iCIFAR10`, `iCIFAR100`,
/// `iImageNet100`) bundle them.
public struct IncrementalDataset: Sendable {
  public let name: String
  public let train: any ImageDataset
  public let test: any ImageDataset
  public let trainAugmentation: Augmentation
  public let testAugmentation: Augmentation

  public init(
    name: String, train: any ImageDataset, test: any ImageDataset,
    trainAugmentation: Augmentation, testAugmentation: Augmentation
  ) {
    precondition(train.classNames == test.classNames, "train and test splits differ in classes")
    self.name = name
    self.train = train
    self.test = test
    self.trainAugmentation = trainAugmentation
    self.testAugmentation = testAugmentation
  }

  public var classCount: Int { train.classCount }

  /// Fashion-MNIST from Debian's `dataset-fashion-mnist` (the built-in default data set).
  public static func fashionMNIST(
    directory: URL = IDXReader.defaultFashionMNISTDirectory
  ) throws -> IncrementalDataset {
    IncrementalDataset(
      name: "fashion-mnist",
      train: try IDXReader.fashionMNIST(directory: directory, split: .train),
      test: try IDXReader.fashionMNIST(directory: directory, split: .test),
      trainAugmentation: .fashionMNISTTrain, testAugmentation: .fashionMNISTTest)
  }

  /// CIFAR-10 or CIFAR-100 (fine labels) below `root`, binary or python version.
  public static func cifar(root: URL, variant: CIFARVariant) throws -> IncrementalDataset {
    let train = try CIFARReader.read(root: root, variant: variant, split: .train)
    let test = try CIFARReader.read(root: root, variant: variant, split: .test)
    return IncrementalDataset(
      name: variant.rawValue, train: train, test: test,
      trainAugmentation: variant == .cifar10 ? .cifar10Train : .cifar100Train,
      testAugmentation: variant == .cifar10 ? .cifar10Test : .cifar100Test)
  }

  /// An ImageNet-style folder (`root/train/<class>/*`, `root/val/<class>/*`), decoded lazily,
  /// with PyCIL's ImageNet transforms cropping to `size` (224 in the reference).
  public static func imageFolder(root: URL, name: String = "imagenet-subset", size: Int = 224)
    throws -> IncrementalDataset
  {
    let (train, test) = try ImageFolder.trainAndValidation(root: root)
    return IncrementalDataset(
      name: name, train: train, test: test,
      trainAugmentation: .imageFolderTrain(size: size),
      testAugmentation: .imageFolderTest(size: size))
  }
}
