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
