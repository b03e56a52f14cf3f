import CIL
import HDF5

/// What a training record holds, read back: the input of verification's merge and of reports.
public struct TrainingSummary: Sendable, Equatable {
  public var path: String
  public var method: String
  public var split: String
  public var architecture: String
  public var dataset: String
  public var seed: Int
  public var cnn: AccuracyMatrix
  /// Nil for a method without exemplars.
  public var nme: AccuracyMatrix?
  /// The ledger after each task.
  public var modelBytes: [Int]
  public var exemplars: [Int]
  public var totalBytes: [Int]
  /// The run record (`/run`); nil in records written before it existed.
  public var run: RunRecord?

  public init(path: String, method: String, split: String, architecture: String,
              dataset: String, seed: Int, cnn: AccuracyMatrix, nme: AccuracyMatrix?,
              modelBytes: [Int], exemplars: [Int], totalBytes: [Int], run: RunRecord? = nil)
  {
    self.run = run
    self.path = path
    self.method = method
    self.split = split
    self.architecture = architecture
    self.dataset = dataset
    self.seed = seed
    self.cnn = cnn
    self.nme = nme
    self.modelBytes = modelBytes
    self.exemplars = exemplars
    self.totalBytes = totalBytes
  }
}

extension TrainingRecord {
  /// Reads a file written by `write`. A missing variable or attribute, or one of the wrong
  /// shape, is a `RecordingError` naming the file and the variable.
  public static func read(_ path: String) throws -> TrainingSummary {
    try readingHDF5(path) { try readSummary(path) }
  }

  private static func readSummary(_ path: String) throws -> TrainingSummary {
    let file: HDF5File
    do {
      file = try HDF5File.open(path)
    } catch {
      throw RecordingError(path: path, message: "not a readable training record: \(error)")
    }
    defer { try? file.close() }
    let root = file.root
    /// The values of `name`, `perTask` of them for each of `tasks` tasks.
    func variable<T: HDF5Element>(_ name: String, _ type: T.Type, tasks: Int, perTask: Int = 1)
      throws -> [T]
    {
      guard try root.contains(name) else {
        throw RecordingError(path: path, message: "no variable \(name); not a training record")
      }
      let values = try root.openDataset(name).read(T.self)
      guard values.count == tasks * perTask else {
        throw RecordingError(path: path, message:
          "\(name) has \(values.count) values, expected \(tasks * perTask) (\(tasks) tasks)")
      }
      return values
    }
    func attribute<T: HDF5Element>(_ name: String, _ type: T.Type) throws -> T {
      guard try root.attributes.contains(name) else {
        throw RecordingError(path: path, message: "no attribute \(name); not a training record")
      }
      return try root.attributes.read(name, as: T.self)
    }
    for name in ["task", "accuracy_cnn"] where !(try root.contains(name)) {
      throw RecordingError(path: path, message: "no variable \(name); not a training record")
    }
    let tasks = try root.coordinateLength("task", file: path)
    guard tasks >= 1 else {
      throw RecordingError(path: path, message: "variable 'task' is empty: no tasks recorded")
    }
    func matrix(_ name: String) throws -> AccuracyMatrix {
      let values = try variable("accuracy_\(name)", Double.self, tasks: tasks, perTask: tasks)
      let total = try variable("accuracy_\(name)_total", Double.self, tasks: tasks)
      var matrix = AccuracyMatrix(taskCount: tasks)
      for t in 0..<tasks {
        matrix.append(perTask: Array(values[t * tasks...t * tasks + t]), total: total[t])
      }
      return matrix
    }
    return TrainingSummary(
      path: path, method: try attribute("method", String.self),
      split: try attribute("split", String.self),
      architecture: try attribute("architecture", String.self),
      dataset: try attribute("dataset", String.self), seed: Int(try attribute("seed", Int64.self)),
      cnn: try matrix("cnn"), nme: try root.contains("accuracy_nme") ? try matrix("nme") : nil,
      modelBytes: try variable("model_bytes", Int.self, tasks: tasks),
      exemplars: try variable("exemplars", Int.self, tasks: tasks),
      totalBytes: try variable("total_bytes", Int.self, tasks: tasks),
      run: try RunRecord(reading: root, path: path))
  }
}
