import CIL
import Data
import Foundation
import HDF5
import NN
import Tensor

/// A task-0 fork (`TaskZeroState`) as an HDF5 file that h5py reads plainly:
///
/// ```
/// /                    attributes: format "strata-task0", format_version, key (TaskZeroKey as
///                      JSON), key_digest, classes, epochs, strata_version, command_line
/// /parameters/<name>   float32 by plain dotted name (stem.conv.weight, stage2.block1.bn1.weight,
///                      head.weight, aux_head.weight); PyTorch's shapes
/// /buffers/<name>      float32 BatchNorm running_mean / running_var
/// /herding_features/class_<c>  float32 [images, feature width]: the features herding reads
///                      for task 0's class at position c, one row per training image in the
///                      data set's order (optional: a file without them is still read, and its
///                      runs compute them)
/// ```
/// Written atomically. A sweep keeps one per key, named `task0-<key digest>.h5`.
public enum TaskZeroFile {
  public static let format = "strata-task0"
  public static let formatVersion: Int32 = 1

  /// The file name of the fork with `key`.
  public static func fileName(_ key: TaskZeroKey) -> String { "task0-\(key.digest).h5" }

  public static func write(_ state: TaskZeroState, to path: String, strataVersion: String,
                           commandLine: String) throws
  {
    try writeAtomically(path) { file in
      let a = file.root.attributes
      try a.write("format", format)
      try a.write("format_version", formatVersion)
      try a.write("key", state.key.json)
      try a.write("key_digest", state.key.digest)
      try a.write("classes", Int32(state.classes))
      try a.write("epochs", Int32(state.epochs))
      try a.write("strata_version", strataVersion)
      try a.write("command_line", commandLine)
      for (name, arrays, description) in [
        ("parameters", state.network.parameters, "parameters by plain dotted name, PyTorch's shapes"),
        ("buffers", state.network.buffers, "BatchNorm running statistics by plain dotted name"),
      ] {
        let group = try file.root.createGroup(name)
        try group.attributes.write("description", description)
        try group.writeArrays(arrays)
      }
      if !state.features.isEmpty {
        let group = try file.root.createGroup(featuresGroup)
        try group.attributes.write(
          "description", "herding features of task 0's classes (class_<position>), one row per "
            + "training image in the data set's order, as every continuing run would compute them")
        try group.writeArrays(state.features.enumerated().map { position, rows in
          NamedArray(name: "class_\(position)", shape: [rows.count, rows.first?.count ?? 0],
                     values: rows.flatMap { $0 })
        })
      }
    }
  }

  static let featuresGroup = "herding_features"

  /// Reads the fork at `path`; every error names the file and what is missing or wrong.
  public static func read(_ path: String) throws -> TaskZeroState {
    guard FileManager.default.fileExists(atPath: path) else {
      throw RecordingError(path: path, message: "no task-0 state here")
    }
    let file: HDF5File
    do {
      file = try HDF5File.open(path)
    } catch {
      throw RecordingError(path: path, message: "not readable as HDF5 (truncated or not a task-0 "
                           + "state): \(error)")
    }
    defer { try? file.close() }
    return try readingHDF5(path) {
      let a = file.attributes
      func attribute<T: HDF5Element>(_ name: String, _ type: T.Type) throws -> T {
        guard try a.contains(name) else {
          throw RecordingError(path: path, message: "missing attribute \(name) at /")
        }
        return try a.read(name, as: T.self)
      }
      let format = try attribute("format", String.self)
      guard format == Self.format else {
        throw RecordingError(path: path, message: "format is \"\(format)\", not a \(Self.format) file")
      }
      let version = try attribute("format_version", Int32.self)
      guard version == formatVersion else {
        throw RecordingError(path: path, message: "task-0 format version \(version); this Strata "
                             + "reads version \(formatVersion)")
      }
      let key: TaskZeroKey
      do {
        key = try JSONDecoder().decode(TaskZeroKey.self,
                                       from: Data(try attribute("key", String.self).utf8))
      } catch let error as RecordingError {
        throw error
      } catch {
        throw RecordingError(path: path, message: "attribute key is not a task-0 key: \(error)")
      }
      var groups: [[NamedArray]] = []
      for name in ["parameters", "buffers"] {
        guard try file.root.contains(name), try file.root.kind(of: name) == .group else {
          throw RecordingError(path: path, message: "missing group /\(name)")
        }
        groups.append(try file.root.openGroup(name).readArrays())
      }
      let classes = Int(try attribute("classes", Int32.self))
      let epochs = Int(try attribute("epochs", Int32.self))
      guard classes == key.initialClasses, epochs == key.epochs else {
        throw RecordingError(path: path, message: "attributes classes \(classes) and epochs "
          + "\(epochs) disagree with the key's \(key.initialClasses) and \(key.epochs)")
      }
      return TaskZeroState(key: key, classes: classes, epochs: epochs,
                           network: ModuleState(parameters: groups[0], buffers: groups[1]),
                           features: try readFeatures(file, classes: classes, path: path))
    }
  }

  /// The herding features of every class of task 0, or none when the file carries none.
  private static func readFeatures(_ file: HDF5File, classes: Int, path: String) throws
    -> [[[Float]]]
  {
    guard try file.root.contains(featuresGroup) else { return [] }
    let arrays = try file.root.openGroup(featuresGroup).readArrays()
    let byName = Dictionary(arrays.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return try (0..<classes).map { position in
      let name = "class_\(position)"
      guard let array = byName[name], array.shape.count == 2 else {
        throw RecordingError(path: path, message: "/\(featuresGroup)/\(name) is missing or not "
                             + "two-dimensional (images × feature width)")
      }
      let width = array.shape[1]
      return (0..<array.shape[0]).map { Array(array.values[$0 * width..<($0 + 1) * width]) }
    }
  }

  /// A run of `plan` continuing from the fork at `path`, checked against this process's thread
  /// count and convolution setting; a mismatch names the file and the differing settings, a
  /// state that does not fit the network names the dataset.
  public static func continueRun(from path: String, plan: RunPlan, data: IncrementalDataset,
                                 context: ComputeContext) throws -> ClassIncrementalRun
  {
    let state = try read(path)
    do {
      return try ClassIncrementalRun(continuing: state, plan: plan, data: data, context: context,
                                     threads: context.threads,
                                     convolution: context.convolutionPolicy.rawValue)
    } catch let error as ModuleStateError {
      throw RecordingError(path: path, message: "dataset /\(error.section)/\(error.name): "
                           + error.problem)
    } catch let error as CheckpointMismatch {
      throw RecordingError(path: path, message: error.message)
    }
  }
}
