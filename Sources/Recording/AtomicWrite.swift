import Foundation
import HDF5

/// Creates the HDF5 file `path` atomically: `body` fills `<path>.partial` (a stale one is
/// replaced), which is closed and renamed over `path`. If `body` throws, `path` is untouched.
func writeAtomically(_ path: String, _ body: (HDF5File) throws -> Void) throws {
  let partial = path + ".partial"
  try? FileManager.default.removeItem(atPath: partial)
  let file = try HDF5File.create(partial)
  try body(file)
  try file.close()
  try replaceAtomically(path, with: partial)
}
