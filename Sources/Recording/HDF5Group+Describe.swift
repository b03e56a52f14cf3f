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
