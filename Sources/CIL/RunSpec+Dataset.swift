import Data
import Foundation

extension RunSpec {
  /// The data sets a spec can name (PyCIL's `dataset` key).
  public static let datasetNames = ["fashion-mnist", "cifar10", "cifar100"]

  /// Loads the spec's data set: `fashion-mnist` (from `data_root` or Debian's
  /// `dataset-fashion-mnist`), `cifar10` or `cifar100` (below `data_root`, binary or python
  /// version). An unknown name or a missing `data_root` is a `RunSpecError`; a missing or corrupt
  /// file is the reader's error.
  public func loadDataset(file: String) throws -> IncrementalDataset {
    let data = try loadFullDataset(file: file)
    return trainPerClass == nil && testPerClass == nil
      ? data : data.limiting(train: trainPerClass, test: testPerClass)
  }

  private func loadFullDataset(file: String) throws -> IncrementalDataset {
    let root = dataRoot.map { URL(fileURLWithPath: Self.resolve($0, besides: file)) }
    switch dataset.lowercased() {
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
    default:
      throw RunSpecError(file: file, key: "dataset", message:
        "unknown data set \"\(dataset)\"; Strata reads " + Self.datasetNames.joined(separator: ", "))
    }
  }
}
