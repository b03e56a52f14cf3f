import Foundation

/// One writer per output file (issue 24): an advisory `flock` on a hidden sibling
/// `.<name>.strata-lock`, held for the life of this process. A second Strata process writing
/// the same output is refused at once with a message naming the file and the holder's pid and
/// command. The kernel drops the lock when the holder dies, even by SIGKILL, so a stale lock
/// file never blocks; the file itself is left in place (removing it would race a waiter).
/// The output file cannot carry the lock: it is written to a temporary and renamed over.
/// Re-entrant within a process, as a command may be run twice in one test process.
public enum OutputLock {
  private static let guardLock = NSLock()
  nonisolated(unsafe) private static var held: [String: Int32] = [:]

  /// The lock file of `output`.
  public static func lockFile(of output: String) -> String {
    let url = URL(fileURLWithPath: output).standardizedFileURL
    return url.deletingLastPathComponent()
      .appendingPathComponent("." + url.lastPathComponent + ".strata-lock").path
  }

  /// Takes the lock on every file of `outputs`, or throws naming the first one held elsewhere.
  public static func acquire(_ outputs: [String]) throws {
    for output in outputs { try acquire(output) }
  }

  public static func acquire(_ output: String) throws {
    let path = lockFile(of: output)
    guardLock.lock()
    defer { guardLock.unlock() }
    if held[path] != nil { return }
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw OutputRefusal(file: output, "\(output): cannot create its lock file \(path): "
        + String(cString: strerror(errno)) + "; nothing was done")
    }
    var status = flock(fd, LOCK_EX | LOCK_NB)
    while status != 0 && errno == EINTR { status = flock(fd, LOCK_EX | LOCK_NB) }
    if status != 0 && errno != EWOULDBLOCK {
      let reason = String(cString: strerror(errno))
      close(fd)
      throw OutputRefusal(file: output, "\(output): cannot lock \(path): \(reason); nothing was "
        + "done")
    }
    guard status == 0 else {
      let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
      close(fd)
      throw OutputRefusal(file: output, "\(output) is being written by another Strata process"
        + (holder.isEmpty ? "" : " (\(holder))") + "; wait for it to end, stop it, or choose "
        + "another output; nothing was done")
    }
    // Who holds it, for the message above; the lock itself is the flock.
    let note = "pid \(getpid()): \(CommandLine.arguments.joined(separator: " "))\n"
    ftruncate(fd, 0)
    _ = note.withCString { write(fd, $0, strlen($0)) }
    held[path] = fd
  }
}
