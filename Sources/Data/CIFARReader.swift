import Foundation

/// CIFAR-10 or CIFAR-100 (Krizhevsky 2009).
public enum CIFARVariant: String, Sendable, CaseIterable {
  case cifar10
  case cifar100

  /// Folder of the binary version, as the archive unpacks.
  public var binaryFolder: String { self == .cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary" }
  /// Folder of the Python (pickle) version, as the archive unpacks.
  public var pythonFolder: String { self == .cifar10 ? "cifar-10-batches-py" : "cifar-100-python" }

  func binaryFiles(_ split: DataSplit) -> [String] {
    switch (self, split) {
    case (.cifar10, .train): return (1...5).map { "data_batch_\($0).bin" }
    case (.cifar10, .test): return ["test_batch.bin"]
    case (.cifar100, .train): return ["train.bin"]
    case (.cifar100, .test): return ["test.bin"]
    }
  }

  func pythonFiles(_ split: DataSplit) -> [String] {
    switch (self, split) {
    case (.cifar10, .train): return (1...5).map { "data_batch_\($0)" }
    case (.cifar10, .test): return ["test_batch"]
    case (.cifar100, .train): return ["train"]
    case (.cifar100, .test): return ["test"]
    }
  }
}

/// Which CIFAR-100 labels to use: the 100 fine classes (what class-incremental papers use) or
/// the 20 coarse superclasses. CIFAR-10 has only one kind.
public enum CIFARLabels: String, Sendable {
  case fine
  case coarse
}

/// Reads CIFAR-10 and CIFAR-100 in both published forms.
///
/// Binary version: records of `<label> <3072 pixels>` (CIFAR-10) or `<coarse> <fine> <3072>`
/// (CIFAR-100); python version: a pickled dict with `data` (uint8 N×3072), `labels` or
/// `fine_labels`/`coarse_labels` (see `PickleReader` for which pickles are accepted). Pixels are
/// stored as CHW planes, R then G then B, 32×32 each: exactly the engine's layout.
public enum CIFARReader {
  public static let cifar10ClassNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  static let imageBytes = 3072
  /// Records in the largest CIFAR file (CIFAR-100's train.bin / train).
  static let maximumRecords = 50_000

  /// A split from `root`, which may be the unpacked folder itself (`cifar-10-batches-bin`, ...)
  /// or the folder holding it. The binary version is preferred when both are present.
  public static func read(
    root: URL, variant: CIFARVariant, split: DataSplit, labels: CIFARLabels = .fine
  ) throws -> ImageArray {
    let fm = FileManager.default
    func hasAll(_ folder: URL, _ names: [String]) -> Bool {
      names.allSatisfy { fm.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }
    let candidates = [root, root.appendingPathComponent(variant.binaryFolder),
      root.appendingPathComponent(variant.pythonFolder)]
    var pixels: [UInt8] = []
    var values: [Int32] = []
    var folderUsed: URL? = nil
    var binary = false
    for folder in candidates {
      if hasAll(folder, variant.binaryFiles(split)) {
        folderUsed = folder
        binary = true
        break
      }
      if hasAll(folder, variant.pythonFiles(split)) {
        folderUsed = folder
        break
      }
    }
    guard let folder = folderUsed else {
      // A folder holding some of the files lacks the first one not there.
      for folder in candidates {
        for names in [variant.binaryFiles(split), variant.pythonFiles(split)] {
          let present = names.filter { fm.fileExists(atPath: folder.appendingPathComponent($0).path) }
          guard !present.isEmpty, let missing = names.first(where: { !present.contains($0) })
          else { continue }
          throw DataError.unreadable(
            file: folder.appendingPathComponent(missing).path,
            reason: "missing; the folder holds \(present.joined(separator: ", ")) of the "
              + "\(variant.rawValue) \(split.rawValue) files \(names.joined(separator: ", "))")
        }
      }
      throw DataError.unreadable(
        file: root.path,
        reason: "no \(variant.rawValue) \(split.rawValue) files: expected "
          + "\(variant.binaryFolder)/{\(variant.binaryFiles(split).joined(separator: ","))} or "
          + "\(variant.pythonFolder)/{\(variant.pythonFiles(split).joined(separator: ","))}")
    }
    let names = binary ? variant.binaryFiles(split) : variant.pythonFiles(split)
    for name in names {
      let url = folder.appendingPathComponent(name)
      let part = binary
        ? try readBinary(url, variant: variant, labels: labels)
        : try readPython(url, variant: variant, labels: labels)
      pixels.append(contentsOf: part.pixels)
      values.append(contentsOf: part.labels)
    }
    return ImageArray(
      shape: .cifar, pixels: pixels, labels: values,
      classNames: try classNames(folder: folder, variant: variant, labels: labels),
      source: folder.appendingPathComponent(names[0]).path)
  }

  /// Number of classes for a variant and label kind.
  public static func classCount(_ variant: CIFARVariant, _ labels: CIFARLabels) -> Int {
    variant == .cifar10 ? 10 : (labels == .fine ? 100 : 20)
  }

  /// One binary batch file.
  public static func readBinary(_ url: URL, variant: CIFARVariant, labels: CIFARLabels = .fine)
    throws -> (pixels: [UInt8], labels: [Int32])
  {
    let path = url.path
    let labelBytes = variant == .cifar10 ? 1 : 2
    let record = labelBytes + imageBytes
    // A gzipped file is inflated no further than the largest CIFAR file's records, plus a byte.
    let bytes = try GzipFile.readAll(path, limit: maximumRecords * record + 1)
    if bytes.count > maximumRecords * record {
      throw DataError.countMismatch(file: path, offset: maximumRecords * record,
        detail: "more than \(maximumRecords) records of \(record) bytes, the most any CIFAR "
          + "file holds (CIFAR-100's train.bin); read no further")
    }
    if bytes.isEmpty {
      throw DataError.truncated(file: path, offset: 0, detail: "empty file, no CIFAR record")
    }
    let count = bytes.count / record
    if bytes.count % record != 0 {
      throw DataError.truncated(
        file: path, offset: bytes.count,
        detail: "record \(count) starts at offset \(count * record) but has only "
          + "\(bytes.count % record) of its \(record) bytes")
    }
    var pixels = [UInt8](repeating: 0, count: count * imageBytes)
    var values = [Int32](repeating: 0, count: count)
    let fineCount = classCount(variant, .fine)
    try bytes.withUnsafeBufferPointer { source in
      try pixels.withUnsafeMutableBufferPointer { target in
        for i in 0..<count {
          let offset = i * record
          // CIFAR-100 records are <coarse><fine>; check both, use the one asked for.
          if variant == .cifar100 {
            let coarse = Int(source[offset])
            if coarse >= 20 {
              throw DataError.labelOutOfRange(
                file: path, entry: i, offset: offset, label: coarse, classCount: 20)
            }
          }
          let fineOffset = offset + labelBytes - 1
          let fine = Int(source[fineOffset])
          if fine >= fineCount {
            throw DataError.labelOutOfRange(
              file: path, entry: i, offset: fineOffset, label: fine, classCount: fineCount)
          }
          values[i] = Int32(labels == .coarse && variant == .cifar100 ? Int(source[offset]) : fine)
          (target.baseAddress! + i * imageBytes).update(
            from: source.baseAddress! + offset + labelBytes, count: imageBytes)
        }
      }
    }
    return (pixels, values)
  }

  /// One python (pickle) batch file.
  public static func readPython(_ url: URL, variant: CIFARVariant, labels: CIFARLabels = .fine)
    throws -> (pixels: [UInt8], labels: [Int32])
  {
    let path = url.path
    let root = try PickleReader.load(url)
    guard case .dict = root else {
      throw DataError.invalidContent(file: path, entry: "top level",
        reason: "expected a dict, found \(kind(root))")
    }
    guard let data = root["data"] else {
      throw DataError.invalidContent(file: path, entry: "data",
        reason: "missing; the dict has keys \(root.keyNames)")
    }
    guard case .array(let array) = data else {
      throw DataError.invalidContent(file: path, entry: "data",
        reason: "expected a numpy uint8 array, found \(kind(data))")
    }
    guard array.dtype.kind == "u", array.dtype.itemSize == 1 else {
      throw DataError.invalidContent(file: path, entry: "data",
        reason: "expected dtype uint8, found \(array.dtype)")
    }
    // The product of the dimensions after the first: a crafted shape such as [2^62, 0] holds
    // no element yet must not overflow here.
    let (perImage, overflow) = array.shape.dropFirst().reduce((1, false)) { partial, dimension in
      let (product, o) = partial.0.multipliedReportingOverflow(by: dimension)
      return (product, partial.1 || o)
    }
    guard let count = array.shape.first, !overflow, perImage == imageBytes,
      !(array.fortranOrder && array.shape.count > 1)
    else {
      throw DataError.invalidContent(file: path, entry: "data",
        reason: "expected a C-ordered N×3072 array, found shape \(array.shape)"
          + (array.fortranOrder ? " in Fortran order" : ""))
    }
    let labelKeys: [(key: String, classes: Int)] = variant == .cifar10
      ? [("labels", 10)]
      : [("fine_labels", 100), ("coarse_labels", 20)]
    let wanted =
      variant == .cifar10 ? "labels" : (labels == .fine ? "fine_labels" : "coarse_labels")
    var chosen: [Int32] = []
    for (key, classes) in labelKeys {
      // The labels not asked for are optional, but checked when present.
      guard let entry = root[key] else {
        if key != wanted { continue }
        throw DataError.invalidContent(file: path, entry: key,
          reason: "missing; the dict has keys \(root.keyNames)")
      }
      let values = try integers(entry, key: key, file: path)
      if values.count != count {
        throw DataError.countMismatch(file: path, offset: nil,
          detail: "'data' holds \(count) images but '\(key)' holds \(values.count) labels")
      }
      for (i, value) in values.enumerated() where value < 0 || value >= classes {
        throw DataError.invalidContent(file: path, entry: "\(key)[\(i)]",
          reason: "label \(value) out of range 0..<\(classes)")
      }
      if key == wanted { chosen = values.map { Int32($0) } }
    }
    return (Array(array.data), chosen)
  }

  static func integers(_ value: PickleValue, key: String, file: String) throws -> [Int] {
    if case .array(let array) = value, array.shape.count == 1, let ints = array.integerValues() {
      return ints
    }
    guard let items = value.items else {
      throw DataError.invalidContent(file: file, entry: key,
        reason: "expected a list of ints, found \(kind(value))")
    }
    return try items.enumerated().map { i, item in
      guard let v = item.intValue else {
        throw DataError.invalidContent(file: file, entry: "\(key)[\(i)]",
          reason: "expected an int, found \(kind(item))")
      }
      return v
    }
  }

  static func kind(_ value: PickleValue) -> String {
    switch value {
    case .none: return "None"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "str"
    case .bytes: return "bytes"
    case .tuple: return "tuple"
    case .list: return "list"
    case .dict: return "dict"
    case .set: return "set"
    case .array(let a): return "ndarray \(a.dtype) \(a.shape)"
    case .dtype: return "dtype"
    case .callable(let name): return name
    }
  }

  /// Class names from the archive's meta file when present (CIFAR-100: `meta` pickle or
  /// `fine_label_names.txt`/`coarse_label_names.txt`), CIFAR-10's known names, else numbers.
  /// A meta file that is there but no pickle is an error, not silently numbered names.
  static func classNames(folder: URL, variant: CIFARVariant, labels: CIFARLabels) throws
    -> [String]
  {
    let count = classCount(variant, labels)
    if variant == .cifar10 { return cifar10ClassNames }
    let key = labels == .fine ? "fine_label_names" : "coarse_label_names"
    let metaFile = folder.appendingPathComponent("meta")
    if FileManager.default.fileExists(atPath: metaFile.path) {
      let meta = try PickleReader.load(metaFile)
      if let names = meta[key]?.items?.compactMap(\.text), names.count == count { return names }
    }
    if let text = try? String(
      contentsOf: folder.appendingPathComponent(key + ".txt"), encoding: .utf8)
    {
      let names = text.split(whereSeparator: \.isNewline).map(String.init)
        .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      if names.count == count { return names }
    }
    return (0..<count).map { "class\($0)" }
  }
}
