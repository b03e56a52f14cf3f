import Foundation
import HDF5

// Every Strata output is written to `<path>.partial` and renamed over `path` (rename(2) is
// atomic within a file system: readers see the old file or the new one, never half of either).
// HDF5 files are built in memory and their bytes written by Strata, so a disk failure never
// reaches HDF5 (whose failed close leaves a broken file open in the library). When a write
// fails — a full disk, a read-only folder — the partial file is removed, so it holds no space,
// and the error names the file, the cause in the system's words and that the earlier file is
// unchanged.

/// Creates the HDF5 file `path` atomically: `body` fills it in memory, its bytes go to
/// `<path>.partial` (a stale one is replaced), which is renamed over `path`. If anything fails,
/// `path` is untouched.
func writeAtomically(_ path: String, _ body: (HDF5File) throws -> Void) throws {
  try cleaningUp(path) { partial in
    try place(filling(try HDF5File.createInMemory(path), body), at: path, via: partial)
  }
}

/// Writes a new file at `path` atomically, as `writeAtomically`. Refuses to replace an existing
/// file unless `overwrite`.
func createAtomically(_ path: String, overwrite: Bool, _ write: (HDF5File) throws -> Void)
  throws
{
  if !overwrite && FileManager.default.fileExists(atPath: path) {
    throw RecordingError(path: path, message: "already exists; not replacing earlier results")
  }
  try writeAtomically(path, write)
}

/// Changes the file at `path` atomically: `change` edits a copy in memory, whose bytes go to
/// `<path>.partial`, renamed over the original. If anything fails, the original is left as it
/// was.
func modifyAtomically(_ path: String, _ change: (HDF5File) throws -> Void) throws {
  try cleaningUp(path) { partial in
    try place(filling(try HDF5File.openInMemory(path), change), at: path, via: partial)
  }
}

/// Writes `data` to the file `path` atomically (JSON, reports, CSV).
public func writeAtomically(_ data: Data, to path: String) throws {
  try cleaningUp(path) { partial in try place(data, at: path, via: partial) }
}

/// Writes `bytes` to `partial` (a stale one is replaced) and renames it over `path`.
private func place(_ bytes: Data, at path: String, via partial: String) throws {
  try? FileManager.default.removeItem(atPath: partial)
  try bytes.write(to: URL(fileURLWithPath: partial))
  try replaceAtomically(path, with: partial)
}

/// Moves a finished `partial` file over `path`.
func replaceAtomically(_ path: String, with partial: String) throws {
  guard rename(partial, path) == 0 else {
    throw RecordingError(path: path, message: "cannot rename \(partial) over it: "
                         + String(cString: strerror(errno)))
  }
}

/// Runs `body` on the in-memory `file`, then returns its bytes; closes it either way.
private func filling(_ file: HDF5File, _ body: (HDF5File) throws -> Void) throws -> Data {
  defer { try? file.close() }
  try body(file)
  return try file.image()
}

/// Runs `body`, which writes `<path>.partial` on its way to `path`; on failure removes the
/// partial file and throws a `RecordingError` for `path` that says why and that the earlier
/// file is unchanged.
private func cleaningUp(_ path: String, _ body: (String) throws -> Void) throws {
  let partial = path + ".partial"
  let existed = FileManager.default.fileExists(atPath: path)
  do {
    try body(partial)
  } catch {
    try? FileManager.default.removeItem(atPath: partial)
    // A recording error about `path` (a task that does not fit the file, a failed rename)
    // already says what is wrong.
    if let recording = error as? RecordingError, recording.path == path { throw recording }
    let kept = existed ? "the earlier file is unchanged" : "nothing was written"
    // The system's reason says it all; otherwise the failure's own words.
    let cause = systemReason(error) ?? "\(error)"
    throw RecordingError(path: path, message: "cannot write \(partial): \(cause); \(kept)")
  }
}

/// The operating system's words for why `error` happened ("No space left on device",
/// "Read-only file system"), when it carries an errno: HDF5's error stack quotes it, Foundation's
/// file errors carry a POSIX error or a Cocoa code for it.
public func systemReason(_ error: any Error) -> String? {
  if let error = error as? HDF5Error {
    for message in error.messages.reversed() {
      if let start = message.range(of: "error message = '"),
         let end = message[start.upperBound...].firstIndex(of: "'")
      {
        return String(message[start.upperBound..<end])
      }
    }
    return nil
  }
  let ns = error as NSError
  if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
  if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
     underlying.domain == NSPOSIXErrorDomain
  {
    return String(cString: strerror(Int32(underlying.code)))
  }
  guard ns.domain == NSCocoaErrorDomain else { return nil }
  switch ns.code {
  case CocoaError.fileWriteOutOfSpace.rawValue: return String(cString: strerror(ENOSPC))
  case CocoaError.fileWriteVolumeReadOnly.rawValue: return String(cString: strerror(EROFS))
  case CocoaError.fileWriteNoPermission.rawValue: return String(cString: strerror(EACCES))
  default: return nil
  }
}
