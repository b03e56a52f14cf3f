import Foundation

/// An exclusive lock on a folder of results for the life of this process, so that two Strata
/// processes never write the same run: the second one waits a moment (a killed holder's lock
/// goes with it), then stops with an error naming the holder. `flock` on `<folder>/.strata-lock`:
/// the kernel drops it when the holder dies, even by SIGKILL, so a stale file never blocks.
/// Re-entrant within a process: in-process callers (tests) run several commands on one folder;
/// `strata run` itself claims its folder once and calls the stages as functions.
enum DirectoryLock {
  private static let guardLock = NSLock()
  nonisolated(unsafe) private static var held: [String: Int32] = [:]

  static func acquire(_ directory: String, waiting seconds: Double = 3) throws {
    let path = URL(fileURLWithPath: directory).standardizedFileURL.path + "/.strata-lock"
    guardLock.lock()
    defer { guardLock.unlock() }
    if held[path] != nil { return }
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw FileRefusal("\(path): cannot create the lock file: \(String(cString: strerror(errno)))")
    }
    let deadline = Date().addingTimeInterval(seconds)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
        let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        close(fd)
        throw FileRefusal("\(directory) is in use by another Strata process"
          + (holder.isEmpty ? "" : " (\(holder))") + "; wait for it to end or stop it")
      }
      usleep(50_000)
    }
    // Who holds it, for the message above; the lock itself is the flock.
    let note = "pid \(getpid()): \(CommandLine.arguments.joined(separator: " "))\n"
    ftruncate(fd, 0)
    _ = note.withCString { write(fd, $0, strlen($0)) }
    held[path] = fd
  }
}
