/// A problem with data on disk. Every message names the file (or folder) and, where it applies,
/// the byte offset or the entry (record, pickle key, list position) at fault, so a corrupt
/// download can be found and replaced.
public enum DataError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file could not be opened or read at all.
  case unreadable(file: String, reason: String)
  /// The file ends before the structure its header (or format) promises.
  case truncated(file: String, offset: Int, detail: String)
  /// The first bytes are not the format's magic number.
  case badMagic(file: String, offset: Int, found: String, expected: String)
  /// A header field holds a value the format cannot have (an image of 0 rows).
  case invalidHeader(file: String, offset: Int, detail: String)
  /// A label is not a valid class index.
  case labelOutOfRange(file: String, entry: Int, offset: Int?, label: Int, classCount: Int)
  /// Counts that must agree do not (header vs data, images vs labels).
  case countMismatch(file: String, offset: Int?, detail: String)
  /// A class folder of an image folder holds no decodable image file.
  case emptyClassFolder(folder: String, extensions: [String])
  /// An image folder root holds no class folders at all.
  case noClassFolders(root: String)
  /// An image file that neither TurboJPEG nor libpng can decode.
  case undecodableImage(file: String, reason: String)
  /// A pickle names a global (a Python callable) outside the numpy allowlist; nothing was run.
  case forbiddenGlobal(file: String, offset: Int, global: String)
  /// A pickle is not well formed, or uses an opcode this reader refuses.
  case malformedPickle(file: String, offset: Int, reason: String)
  /// A split holds no image of a class: training would report "exemplars 0" or NaN accuracies.
  case emptyClass(source: String, split: String, label: Int, name: String, present: Int)
  /// The file is well formed but its content is not what the data set needs (a missing key, a
  /// wrong dtype or shape).
  case invalidContent(file: String, entry: String, reason: String)

  /// The file or folder the error is about.
  public var file: String {
    switch self {
    case .unreadable(let file, _), .truncated(let file, _, _), .badMagic(let file, _, _, _),
      .invalidHeader(let file, _, _),
      .labelOutOfRange(let file, _, _, _, _), .countMismatch(let file, _, _),
      .undecodableImage(let file, _), .forbiddenGlobal(let file, _, _),
      .malformedPickle(let file, _, _), .invalidContent(let file, _, _):
      return file
    case .emptyClassFolder(let folder, _): return folder
    case .emptyClass(let source, _, _, _, _): return source
    case .noClassFolders(let root): return root
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read: \(reason)"
    case .truncated(let file, let offset, let detail):
      return "\(file), offset \(offset): truncated: \(detail)"
    case .badMagic(let file, let offset, let found, let expected):
      return "\(file), offset \(offset): wrong magic number \(found), expected \(expected)"
    case .invalidHeader(let file, let offset, let detail):
      return "\(file), offset \(offset): invalid header: \(detail)"
    case .labelOutOfRange(let file, let entry, let offset, let label, let classCount):
      let at = offset.map { ", offset \($0)" } ?? ""
      return "\(file), entry \(entry)\(at): label \(label) out of range 0..<\(classCount)"
    case .countMismatch(let file, let offset, let detail):
      let at = offset.map { ", offset \($0)" } ?? ""
      return "\(file)\(at): count mismatch: \(detail)"
    case .emptyClassFolder(let folder, let extensions):
      return "\(folder): empty class folder: no image file with extension "
        + extensions.joined(separator: ", ")
    case .noClassFolders(let root):
      return "\(root): no class folders (expected <root>/<class>/<image>)"
    case .undecodableImage(let file, let reason):
      return "\(file): cannot decode image: \(reason)"
    case .forbiddenGlobal(let file, let offset, let global):
      return "\(file), offset \(offset): pickle names forbidden global '\(global)'; refused "
        + "(only numpy array reconstruction is allowed, and nothing is ever called)"
    case .malformedPickle(let file, let offset, let reason):
      return "\(file), offset \(offset): malformed pickle: \(reason)"
    case .invalidContent(let file, let entry, let reason):
      return "\(file), entry \(entry): \(reason)"
    case .emptyClass(let source, let split, let label, let name, let present):
      return "\(source): the \(split) split has no image of class \(label) ('\(name)'); it has "
        + "images of \(present) of the data set's classes, and every class needs train and test "
        + "images; refused before training"
    }
  }
}
