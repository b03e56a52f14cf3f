extension Augmentation {
  /// PyCIL's `iImageNet100` training transform at side `size`: `RandomResizedCrop(size)` +
  /// `RandomHorizontalFlip()`, ImageNet statistics. 224 is the reference.
  public static func imageFolderTrain(size: Int) -> Augmentation {
    Augmentation(
      geometry: .randomResizedCrop(size: size, scale: 0.08...1.0, ratio: (3.0 / 4)...(4.0 / 3)),
      flipProbability: 0.5, mean: imageNetMean, std: imageNetStd)
  }

  /// The matching test transform: `Resize(size · 256/224)` then `CenterCrop(size)` (256 and 224
  /// at the reference size, the same crop fraction at others).
  public static func imageFolderTest(size: Int) -> Augmentation {
    let resize = Int((Double(size) * 256 / 224).rounded(.toNearestOrEven))
    return Augmentation(geometry: .resizeCenterCrop(resize: resize, crop: size),
                        mean: imageNetMean, std: imageNetStd)
  }
}

extension IncrementalDataset {
  /// The shape of the model's input: what both transforms produce — the crop for image folders
  /// (3×224×224 for ImageNet), the stored shape for fixed-size sets whose transforms keep it.
  /// The memory ledger also prices an exemplar at this size (DESIGN: 224·224·3 bytes for
  /// ImageNet), so it is the architecture's input and an exemplar's stored image.
  /// Errors name the data's source: images of varying size that no transform resizes, or train
  /// and test transforms that disagree.
  public func inputShape() throws(DataError) -> ImageShape {
    let channels = train.imageShape?.channels ?? 3  // decoded files are RGB
    func output(_ augmentation: Augmentation, _ split: any ImageDataset) throws(DataError)
      -> ImageShape
    {
      if let size = augmentation.fixedOutputSize() {
        return ImageShape(channels: channels, height: size.height, width: size.width)
      }
      guard let stored = split.imageShape else {
        throw DataError.invalidContent(file: split.source, entry: "image sizes", reason:
          "images vary in size and the \(name) transform neither resizes nor crops them")
      }
      return stored
    }
    let trainShape = try output(trainAugmentation, train)
    let testShape = try output(testAugmentation, test)
    guard trainShape == testShape else {
      throw DataError.invalidContent(file: train.source, entry: "transforms", reason:
        "training images become \(trainShape), test images \(testShape); the model needs one shape")
    }
    return trainShape
  }
}
