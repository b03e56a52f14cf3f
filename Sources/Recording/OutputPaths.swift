import Foundation

/// Checks a command's output paths against its inputs before any work (issue 24): an output
/// that is an input (`strata split DIR/split.h5 --output-dir DIR`, `strata train spec.json
/// --output spec.json`) would replace it, and an output that is a directory would be found
/// only after the training whose result it was to hold.
public enum OutputPaths {
  /// Throws `OutputRefusal` for the first output that is a directory, is one of `inputs` (same
  /// device and inode, or the same resolved path when it does not exist yet), or is named twice.
  public static func check(outputs: [String], inputs: [String]) throws {
    var seen: [String: String] = [:]
    for output in outputs {
      let resolved = resolve(output)
      if let earlier = seen[resolved] {
        throw OutputRefusal(file: output, "\(output): named as two outputs (also as \(earlier)); "
          + "one would replace the other; nothing was done")
      }
      seen[resolved] = output
      var info = stat()
      let exists = stat(output, &info) == 0
      if exists && (info.st_mode & S_IFMT) == S_IFDIR {
        throw OutputRefusal(file: output, "\(output): the output is a directory; name a file; "
          + "nothing was done")
      }
      for input in inputs where same(output, exists ? info : nil, resolved, input) {
        throw OutputRefusal(file: output, "\(output): the output is the input \(input); writing "
          + "it would replace what is being read; choose another output; nothing was done")
      }
    }
  }

  private static func same(_ output: String, _ outputInfo: stat?, _ resolvedOutput: String,
                           _ input: String) -> Bool
  {
    var info = stat()
    if let outputInfo, stat(input, &info) == 0 {
      return outputInfo.st_dev == info.st_dev && outputInfo.st_ino == info.st_ino
    }
    return resolvedOutput == resolve(input)
  }

  /// The absolute path with symbolic links of the existing folders resolved.
  static func resolve(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
    return folder.appendingPathComponent(url.lastPathComponent).path
  }
}
