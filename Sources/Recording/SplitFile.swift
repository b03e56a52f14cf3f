import Foundation
import HDF5

/// What the split analysis hands to `SplitFile`: the coordinates, one value array per
/// `SplitSchema` variable (row-major over its dimensions), and the group's attributes
/// (recommendation, confidence, method settings).
public struct SplitRecord: Sendable {
  public enum Values: Sendable {
    case real([Double])
    case integer([Int64])
    case text([String])

    var count: Int {
      switch self {
      case .real(let v): v.count
      case .integer(let v): v.count
      case .text(let v): v.count
      }
    }
  }

  public enum Attribute: Sendable, Equatable {
    case real(Double)
    case integer(Int64)
    case text(String)
  }

  public var blocks: [String]
  public var candidates: [String]
  public var metrics: [String]
  public var tasks: [Int]
  public var metricPairs: [String]
  public var values: [String: Values]
  public var attributes: [String: Attribute]
  public var provenance: Provenance
  /// The split decision's profiles and fit (`/split/decision`), when the analysis made one.
  public var profiles: SplitProfilesRecord?

  public init(blocks: [String], candidates: [String], metrics: [String], tasks: [Int],
              metricPairs: [String], values: [String: Values], attributes: [String: Attribute],
              provenance: Provenance)
  {
    self.blocks = blocks
    self.candidates = candidates
    self.metrics = metrics
    self.tasks = tasks
    self.metricPairs = metricPairs
    self.values = values
    self.attributes = attributes
    self.provenance = provenance
  }
}

/// `split.h5`: the split analysis in the group `/split` (netCDF-4 style: every axis a dimension
/// scale, so `xarray.open_dataset(path, engine="h5netcdf", group="split")` labels it), and the
/// provenance at the root. Written to `<path>.partial`, then renamed over `path`.
public enum SplitFile {
  public static let group = "split"

  public static func write(_ record: SplitRecord, to path: String) throws {
    let sizes = ["block": record.blocks.count, "candidate": record.candidates.count,
                 "metric": record.metrics.count, "task": record.tasks.count,
                 "metric_pair": record.metricPairs.count]
    for variable in SplitSchema.variables {
      let count = variable.dimensions.reduce(1) { $0 * sizes[$1]! }
      guard let values = record.values[variable.name], values.count == count else {
        throw RecordingError(path: path, message: "split variable '\(variable.name)' needs "
                             + "\(count) values, got \(record.values[variable.name]?.count ?? 0)")
      }
    }
    try writeAtomically(path) { file in
      let group = try file.root.createGroup(Self.group)
      try group.createCoordinate("block", values: record.blocks)
      try group.createCoordinate("candidate", values: record.candidates)
      try group.createCoordinate("metric", values: record.metrics)
      try group.createCoordinate("task", values: record.tasks.map(Int32.init))
      try group.createCoordinate("metric_pair", values: record.metricPairs)
      for c in SplitSchema.coordinates {
        try group.describe(c.name, c.longName, c.units, c.description)
      }
      for variable in SplitSchema.variables {
        switch record.values[variable.name]! {
        case .real(let v): try group.createVariable(variable.name, dimensions: variable.dimensions,
                                                    values: v)
        case .integer(let v): try group.createVariable(variable.name,
                                                       dimensions: variable.dimensions, values: v)
        case .text(let v): try group.createVariable(variable.name, dimensions: variable.dimensions,
                                                    values: v)
        }
        try group.describe(variable.name, variable.longName, variable.units, variable.description)
      }
      for (name, value) in record.attributes.sorted(by: { $0.key < $1.key }) {
        switch value {
        case .real(let x): try group.attributes.write(name, x)
        case .integer(let n): try group.attributes.write(name, n)
        case .text(let s): try group.attributes.write(name, s)
        }
      }
      try record.profiles?.write(into: group)
      try record.provenance.write(to: file.attributes)
    }
  }
}
