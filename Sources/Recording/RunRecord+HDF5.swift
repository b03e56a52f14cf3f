import Data
import Foundation
import HDF5

extension RunRecord {
  /// The group every Strata file of a run holds the record in (attributes only, so h5py reads
  /// `f["run"].attrs` and xarray `open_dataset(path, group="run").attrs`).
  public static let group = "run"

  /// Writes the record as the attributes of `/run` under `root`.
  public func write(into root: HDF5Group) throws {
    let group = try root.createGroup(Self.group)
    let a = group.attributes
    try a.write("description", "the run's facts, decided once by the probe stage and carried "
                + "by every file of the run")
    try a.write("spec", spec)
    try a.write("dataset", dataset)
    try a.write("image_shape", [Int32(image.height), Int32(image.width), Int32(image.channels)])
    try a.write("class_count", Int32(classCount))
    try a.write("class_names", classNames)
    try a.write("class_order", classOrder.map(Int32.init))
    try a.write("task_sizes", taskSizes.map(Int32.init))
    try a.write("architecture", architecture)
    try a.write("seeds", seeds.map(Int64.init))
    try a.write("threads", Int32(threads))
    try a.write("convolution", convolution)
  }

  /// The record under `root`, nil when the file has none (files written before it existed);
  /// a group that is there but incomplete is an error naming `path` and the attribute.
  public init?(reading root: HDF5Group, path: String) throws {
    guard try root.contains(Self.group) else { return nil }
    let a = try root.openGroup(Self.group).attributes
    for name in ["spec", "dataset", "image_shape", "class_count", "class_names", "class_order",
                 "task_sizes", "architecture", "seeds", "threads", "convolution"]
    where !(try a.contains(name)) {
      throw RecordingError(path: path, message: "the run record (/run) has no attribute '\(name)'")
    }
    let shape = try a.readArray("image_shape", as: Int32.self).map(Int.init)
    guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
      throw RecordingError(path: path, message: "the run record's image_shape \(shape) is not "
                           + "three positive sizes (H, W, C)")
    }
    let names = try a.readArray("class_names", as: String.self)
    let order = try a.readArray("class_order", as: Int32.self).map(Int.init)
    let sizes = try a.readArray("task_sizes", as: Int32.self).map(Int.init)
    guard Int(try a.read("class_count", as: Int32.self)) == names.count,
          order.sorted() == Array(0..<names.count), sizes.reduce(0, +) <= names.count
    else {
      throw RecordingError(path: path, message: "the run record's classes disagree: "
        + "\(names.count) names, class_order \(order), task_sizes \(sizes)")
    }
    self.init(spec: try a.read("spec"), dataset: try a.read("dataset"),
              image: ImageShape(channels: shape[2], height: shape[0], width: shape[1]),
              classNames: names, classOrder: order, taskSizes: sizes,
              architecture: try a.read("architecture"),
              seeds: try a.readArray("seeds", as: Int64.self).map(Int.init),
              threads: Int(try a.read("threads", as: Int32.self)),
              convolution: try a.read("convolution"))
  }
}
