import Data
import Foundation

extension RunSpec {
  /// The data sets a spec can name (PyCIL's `dataset` key).
  public static let datasetNames = ["fashion-mnist", "cifar10", "cifar100", "imagenet100",
                                    "image-folder"]

  /// Loads the spec's data set: `fashion-mnist` (from `data_root` or Debian's
  /// `dataset-fashion-mnist`), `cifar10` or `cifar100` (below `data_root`, binary or python
  /// version), `imagenet100` or `image-folder` (`data_root/train/<class>/*` and
  /// `data_root/val/<class>/*`, JPEG or PNG, cropped to `image_size`; `imagenet100` must have
  /// 100 classes). An unknown name, a missing `data_root` or an `image_size` for a data set of
  /// fixed size is a `RunSpecError`; a missing or corrupt file or folder is the reader's error.
  public func loadDataset(file: String) throws -> IncrementalDataset {
    let data = try loadFullDataset(file: file)
    return trainPerClass == nil && testPerClass == nil
      ? data : data.limiting(train: trainPerClass, test: testPerClass)
  }

  private func loadFullDataset(file: String) throws -> IncrementalDataset {
    let root = dataRoot.map { URL(fileURLWithPath: Self.resolve($0, besides: file)) }
    let name = dataset.lowercased()
    let isFolder = Self.imageFolderNames.contains(name)
    if let imageSize, !isFolder {
      throw RunSpecError(file: file, key: "image_size", message: "\(dataset) images keep their "
        + "size; image_size (\(imageSize)) applies to imagenet100 and image-folder only")
    }
    if let root {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
      guard exists && isDirectory.boolValue else {
        throw RunSpecError(file: file, key: "data_root", message: "\(root.path): "
          + (exists ? "not a folder" : "no such folder")
          + " (a relative data_root is read beside the spec, else from the working directory)")
      }
    }
    switch name {
    case "fashion-mnist", "fashion_mnist", "fashionmnist", "fmnist":
      return try root.map { try IncrementalDataset.fashionMNIST(directory: $0) }
        ?? IncrementalDataset.fashionMNIST()
    case "cifar10", "cifar100":
      guard let root else {
        throw RunSpecError(file: file, key: "data_root",
                           message: "\(dataset) needs data_root, the folder holding the CIFAR files")
      }
      return try IncrementalDataset.cifar(
        root: root, variant: dataset.lowercased() == "cifar10" ? .cifar10 : .cifar100)
    case _ where isFolder:
      guard let root else {
        throw RunSpecError(file: file, key: "data_root", message: "\(dataset) needs data_root, "
          + "the folder holding train/<class>/<image> and val/<class>/<image>")
      }
      let data = try IncrementalDataset.imageFolder(root: root, name: name,
                                                    size: imageSize ?? 224)
      if name.hasPrefix("imagenet"), data.classCount != 100 {
        throw RunSpecError(file: file, key: "dataset", message: "imagenet100 needs 100 classes, "
          + "\(root.path)/train has \(data.classCount); use \"image-folder\" for other sets")
      }
      return data
    default:
      throw RunSpecError(file: file, key: "dataset", message:
        "unknown data set \"\(dataset)\"; Strata reads " + Self.datasetNames.joined(separator: ", "))
    }
  }

  /// Names of ImageNet-style folder data sets (lower-cased).
  static let imageFolderNames: Set<String> = ["imagenet100", "imagenet-100", "image-folder",
                                              "imagefolder"]
}
