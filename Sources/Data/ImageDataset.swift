/// One split of a data set (train or test): labelled images addressed by index, as a PyTorch
/// `Dataset`. In-memory sets (`ImageArray`) hand out views of their buffer; `ImageFolder` decodes
/// the file when asked, so a set larger than memory (ImageNet) costs only its list of paths.
public protocol ImageDataset: Sendable {
  /// Number of images.
  var count: Int { get }
  /// Original (file) label of every image, 0..<classCount.
  var labels: [Int32] { get }
  /// Class names indexed by original label.
  var classNames: [String] { get }
  /// The shape every image has, or nil when sizes vary (image folders before resizing).
  var imageShape: ImageShape? { get }
  /// Where the images come from (a file or folder), for messages.
  var source: String { get }
  /// Calls `body` with a view of image `index`, decoding it first if needed. The view is valid
  /// only inside `body`.
  func withPixels<R>(at index: Int, _ body: (ImagePixels) throws -> R) throws -> R
}

extension ImageDataset {
  public var classCount: Int { classNames.count }

  /// Indices of the images of each original class, in file order.
  public func indicesByClass() -> [[Int]] {
    var result = [[Int]](repeating: [], count: classCount)
    for (index, label) in labels.enumerated() { result[Int(label)].append(index) }
    return result
  }
}
