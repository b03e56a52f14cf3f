import Foundation
import Recording
import Synchronization

/// The folder a command writes to, checked before any work: created when missing, and a file
/// made and removed in it. A read-only or unwritable folder stops the command at once, naming
/// the folder and the system's reason, instead of after the training whose results it would
/// have lost.
enum OutputFolder {
  static func check(_ folder: String) throws {
    let path = folder.isEmpty ? "." : folder
    if !FileManager.default.fileExists(atPath: path) { created.withLock { $0.append(path) } }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw FileRefusal("\(path): cannot create the output folder: "
        + (systemReason(error) ?? error.localizedDescription) + "; nothing was done")
    }
    let probe = path + "/.strata-write-check-\(getpid())"
    let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else {
      throw FileRefusal("\(path): cannot write in the output folder: "
        + String(cString: strerror(errno)) + "; nothing was done")
    }
    close(fd)
    unlink(probe)
  }

  /// `check`, then this process's lock on the folder (`DirectoryLock`): for folders a command
  /// goes on writing into (a run, a sweep, checkpoints), where a second writer would clash.
  static func claim(_ folder: String) throws {
    try check(folder)
    try DirectoryLock.acquire(folder.isEmpty ? "." : folder)
  }

  /// Folders `check` created in this process.
  private static let created = Mutex<[String]>([])

  /// Removes each folder this process created that holds nothing but locks: a command that
  /// stopped before writing anything (a refused spec, a missing data set) leaves no trace.
  static func removeUnused() {
    let manager = FileManager.default
    for folder in created.withLock({ $0 }).reversed() {
      guard let contents = try? manager.contentsOfDirectory(atPath: folder),
            contents.allSatisfy({ $0.hasSuffix(".strata-lock") }) else { continue }
      for name in contents { try? manager.removeItem(atPath: folder + "/" + name) }
      try? manager.removeItem(atPath: folder)
    }
  }

  /// The folder holding the file `path`.
  static func of(_ path: String) -> String {
    URL(fileURLWithPath: path).deletingLastPathComponent().path
  }
}
