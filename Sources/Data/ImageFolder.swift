import Foundation

/// A folder of class folders, `root/<class>/**/<image>`, read as torchvision's `ImageFolder`:
/// classes are the sub-folder names in sorted order (`find_classes`), label = index in that order,
/// files are taken in sorted walk order (`make_dataset`), and only files with an accepted
/// extension count (lower-cased suffix match). Strata decodes JPEG and PNG, so it accepts .jpg,
/// .jpeg and .png. ImageNet-100 style data has `train/` and `val/` below one root.
///
/// Images are decoded lazily: the set holds only paths and labels, and `withPixels` decodes the
/// file when a batch is assembled, so ImageNet-sized sets need no more memory than their path
/// list. Sorting is by Unicode code point, as Python's `sorted` on `str`.
public struct ImageFolder: ImageDataset {
  public static let extensions = [".jpg", ".jpeg", ".png"]

  public let root: URL
  public let classNames: [String]
  /// File paths, indexed like `labels`.
  public let paths: [String]
  public let labels: [Int32]

  /// Scans `root`. With `classNames` (for a validation folder that must use the training
  /// folder's classes) the folder's classes must be exactly those.
  public init(root: URL, classNames expected: [String]? = nil) throws {
    let fm = FileManager.default
    let rootPath = root.path
    guard isDirectory(rootPath) else {
      throw DataError.unreadable(file: rootPath, reason: "not a directory")
    }
    let entries: [String]
    do { entries = try fm.contentsOfDirectory(atPath: rootPath) } catch {
      throw DataError.unreadable(file: rootPath, reason: error.localizedDescription)
    }
    let classes = entries.filter { isDirectory(rootPath + "/" + $0) }.sorted(by: pythonOrder)
    if classes.isEmpty { throw DataError.noClassFolders(root: rootPath) }
    if let expected, expected != classes {
      let missing = expected.filter { !classes.contains($0) }
      let extra = classes.filter { !expected.contains($0) }
      throw DataError.invalidContent(file: rootPath, entry: "class folders",
        reason: "classes differ from the training folder's: missing \(missing), extra \(extra)")
    }

    var paths: [String] = []
    var labels: [Int32] = []
    for (label, name) in classes.enumerated() {
      let folder = rootPath + "/" + name
      let files = try Self.walk(folder).filter { path in
        let lower = path.lowercased()
        return Self.extensions.contains { lower.hasSuffix($0) }
      }
      if files.isEmpty {
        throw DataError.emptyClassFolder(folder: folder, extensions: Self.extensions)
      }
      paths.append(contentsOf: files)
      labels.append(contentsOf: repeatElement(Int32(label), count: files.count))
    }
    self.root = root
    self.classNames = classes
    self.paths = paths
    self.labels = labels
  }

  /// `root/train` and `root/val` (ImageNet-100 layout), the validation folder checked to have the
  /// training folder's classes.
  public static func trainAndValidation(root: URL) throws -> (train: ImageFolder, test: ImageFolder)
  {
    let train = try ImageFolder(root: root.appendingPathComponent("train"))
    let test = try ImageFolder(
      root: root.appendingPathComponent("val"), classNames: train.classNames)
    return (train, test)
  }

  public var count: Int { paths.count }
  public var imageShape: ImageShape? { nil }
  public var source: String { root.path }

  /// Decodes image `index`.
  public func image(at index: Int) throws -> DecodedImage {
    try ImageCodec.decode(file: URL(fileURLWithPath: paths[index]))
  }

  public func withPixels<R>(at index: Int, _ body: (ImagePixels) throws -> R) throws -> R {
    try image(at: index).withPixels(body)
  }

  /// All files below `folder`, as `sorted(os.walk(folder, followlinks=True))` then
  /// `sorted(files)` visits them.
  static func walk(_ folder: String) throws -> [String] {
    var folders: [(path: String, files: [String])] = []
    var pending = [folder]
    var seen = Set<String>()
    while let current = pending.popLast() {
      // Guard against symlink cycles.
      let resolved = URL(fileURLWithPath: current).resolvingSymlinksInPath().path
      guard seen.insert(resolved).inserted else { continue }
      let entries: [String]
      do { entries = try FileManager.default.contentsOfDirectory(atPath: current) } catch {
        throw DataError.unreadable(file: current, reason: error.localizedDescription)
      }
      var files: [String] = []
      for entry in entries {
        let path = current + "/" + entry
        if isDirectory(path) { pending.append(path) } else { files.append(entry) }
      }
      folders.append((current, files.sorted(by: pythonOrder)))
    }
    folders.sort { pythonOrder($0.path, $1.path) }
    return folders.flatMap { folder in folder.files.map { folder.path + "/" + $0 } }
  }
}

/// Python's `str` ordering: lexicographic by code point.
func pythonOrder(_ a: String, _ b: String) -> Bool {
  a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}

/// True for a directory or a symlink to one (as `os.scandir`'s `is_dir()`).
func isDirectory(_ path: String) -> Bool {
  var flag: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
}
