import Foundation
import HDF5

extension HDF5Group {
  /// The three attributes every variable of a Strata file carries.
  func describe(_ name: String, _ longName: String, _ units: String, _ description: String)
    throws
  {
    let attributes = try openDataset(name).attributes
    try attributes.write("long_name", longName)
    try attributes.write("units", units)
    try attributes.write("description", description)
  }
}

/// Moves a finished `partial` file over `path`. rename(2) is atomic within a file system:
/// readers see the old file or the new one, never half of either.
func replaceAtomically(_ path: String, with partial: String) throws {
  guard rename(partial, path) == 0 else {
    throw RecordingError(path: path, message: "cannot rename \(partial) over it: "
                         + String(cString: strerror(errno)))
  }
}

/// Writes a new file at `path` atomically: `write` fills `<path>.partial`, which is closed and
/// renamed over `path`. Refuses to replace an existing file unless `overwrite`.
func createAtomically(_ path: String, overwrite: Bool, _ write: (HDF5File) throws -> Void)
  throws
{
  if !overwrite && FileManager.default.fileExists(atPath: path) {
    throw RecordingError(path: path, message: "already exists; not replacing earlier results")
  }
  try writeAtomically(path, write)
}

/// Changes the file at `path` atomically: `change` writes a copy, `<path>.partial`, which is
/// closed and renamed over the original. If `change` fails, the original is left as it was.
func modifyAtomically(_ path: String, _ change: (HDF5File) throws -> Void) throws {
  let partial = path + ".partial"
  try? FileManager.default.removeItem(atPath: partial)
  do {
    try FileManager.default.copyItem(atPath: path, toPath: partial)
  } catch {
    throw RecordingError(path: path, message: "cannot copy to \(partial): \(error.localizedDescription)")
  }
  let file = try HDF5File.open(partial, mode: .readWrite)
  do {
    try change(file)
  } catch {
    try? file.close()
    try? FileManager.default.removeItem(atPath: partial)
    throw error
  }
  try file.close()
  try replaceAtomically(path, with: partial)
}
