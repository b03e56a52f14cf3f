import Foundation
import Testing

/// A small tmpfs mounted under a fresh temporary folder, for the tests of a full disk and of a
/// read-only output folder (issue 11): as root, chmod does not stop writes, a real file system
/// does. `remountReadOnly()` turns it read-only with what it holds. Mounting needs root (CI runs
/// as root); `withScratchMount` says visibly when it cannot mount.
public final class ScratchMount {
  /// The mount point: an empty folder of `bytes` capacity.
  public let path: String
  private var mounted = true

  public struct Unavailable: Error, CustomStringConvertible {
    public var description: String
  }

  /// Mounts a tmpfs of `bytes` (rounded up to whole pages by the kernel).
  public init(bytes: Int) throws {
    path = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-mount-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    do {
      try Self.mount(["-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "strata-test", path])
    } catch {
      try? FileManager.default.removeItem(atPath: path)
      throw error
    }
  }

  deinit { unmount() }

  /// The same file system, read-only from now on (`mount -o remount,ro`).
  public func remountReadOnly() throws {
    try Self.mount(["-o", "remount,ro", path])
  }

  /// Fills the file system with a file `name` until `leaving` bytes are free (0: the disk is
  /// full to its last byte); returns the file's size.
  @discardableResult
  public func fill(_ name: String = "filler", leaving: Int = 0) -> Int {
    let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var total = 0
    let block = [UInt8](repeating: 0x5A, count: 4096)
    // Whole blocks, then single bytes, until the kernel says the disk is full.
    for size in [4096, 1] {
      while true {
        let n = block.withUnsafeBytes { write(fd, $0.baseAddress, size) }
        guard n > 0 else { break }
        total += n
      }
    }
    if leaving > 0 {
      total = max(0, total - leaving)
      _ = ftruncate(fd, off_t(total))
    }
    return total
  }

  /// Bytes free on the file system.
  public var freeBytes: Int {
    var info = statvfs()
    guard statvfs(path, &info) == 0 else { return 0 }
    return Int(info.f_bavail) * Int(info.f_frsize)
  }

  /// Unmounts (lazily if something still holds it) and removes the mount point.
  public func unmount() {
    guard mounted else { return }
    mounted = false
    if (try? Self.mount(["-l", path], command: "/bin/umount")) == nil {
      FileHandle.standardError.write(Data("strata tests: could not unmount \(path)\n".utf8))
      return
    }
    try? FileManager.default.removeItem(atPath: path)
  }

  private static func mount(_ arguments: [String], command: String = "/bin/mount") throws {
    let result: ChildProcess.Result
    do {
      result = try ChildProcess.run(command, arguments)
    } catch {
      throw Unavailable(description: "cannot run \(command): \(error)")
    }
    guard result.status == 0 else {
      throw Unavailable(description: "\(command) \(arguments.joined(separator: " ")) exited "
                        + "\(result.status): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
  }
}

/// Runs `body` with a fresh tmpfs of `bytes`, unmounted afterwards whatever happens. When it
/// cannot be mounted the test says so: as root (as in CI) that is a failure; otherwise a SKIP
/// line is printed with the reason, never a silent pass.
public func withScratchMount(bytes: Int, _ test: String = #function,
                             sourceLocation: SourceLocation = #_sourceLocation,
                             _ body: (ScratchMount) throws -> Void) throws
{
  let mount: ScratchMount
  do {
    mount = try ScratchMount(bytes: bytes)
  } catch {
    if geteuid() == 0 {
      Issue.record("cannot mount a tmpfs as root: \(error)", sourceLocation: sourceLocation)
    } else {
      print("SKIP \(test): mounting a tmpfs needs root (CI runs as root): \(error)")
    }
    return
  }
  defer { mount.unmount() }
  try body(mount)
}
