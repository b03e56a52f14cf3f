import CIL
import Data
import Foundation
import HDF5
import NN
import Tensor

extension RunCheckpointFile {
  /// Reads the checkpoint at `path`. Every error names the file and the dataset or attribute:
  /// a missing file, one HDF5 cannot open (truncated), another format, a missing dataset.
  public static func read(_ path: String) throws -> (header: Header, checkpoint: RunCheckpoint) {
    guard FileManager.default.fileExists(atPath: path) else {
      throw RecordingError(path: path, message: "no checkpoint here")
    }
    let file: HDF5File
    do {
      file = try HDF5File.open(path)
    } catch {
      throw RecordingError(path: path, message: "not readable as HDF5 (truncated or not a "
                           + "checkpoint): \(error)")
    }
    return try readingHDF5(path) { try CheckpointReader(file: file).read() }
  }

  /// Reads the checkpoint at `path` and restores from it a run of `plan` that continues where
  /// it stopped. The checkpoint must come from the same method, split, architecture and
  /// training settings; the errors name the file and what differs, or the offending dataset
  /// (`/parameters/stage1.block1.conv1.weight: shape [8, 4, 3, 3], the network's is …`).
  public static func resume(from path: String, plan: RunPlan, data: IncrementalDataset,
                            context: ComputeContext) throws
    -> (run: ClassIncrementalRun, header: Header, position: RunPosition)
  {
    let (header, checkpoint) = try read(path)
    func mismatch(_ message: String) -> RecordingError {
      RecordingError(path: path, message: message)
    }
    guard header.method == plan.spec.modelName.rawValue else {
      throw mismatch("written by \(header.method), the spec trains \(plan.spec.modelName.rawValue)")
    }
    guard header.split == plan.split.description else {
      throw mismatch("written at split \(header.split), the run splits at \(plan.split)")
    }
    guard header.architecture == plan.architecture else {
      let keys = RunSpec.differingKeys(ArchitectureSpec.encode(header.architecture),
                               ArchitectureSpec.encode(plan.architecture))
      throw mismatch("written for architecture \(header.architecture.name), the run has "
                     + "\(plan.architecture.name); they differ in \(keys.joined(separator: ", "))")
    }
    let spec: RunSpec
    do {
      spec = try RunSpec.decode(Data(header.runSpec.utf8), file: path + " attribute run_spec")
    } catch {
      throw mismatch("attribute run_spec: " + (error.key.isEmpty ? "" : error.key + ": ") + error.message)
    }
    guard spec.trainsLike(plan.spec) else {
      let keys = RunSpec.differingKeys(Data(spec.canonicalJSON.utf8), Data(plan.spec.canonicalJSON.utf8))
        .filter { $0 != "data_root" }
      throw mismatch("written with other training settings: \(keys.joined(separator: ", ")) "
                     + "differ from the spec")
    }
    // Exemplars index the training split: one beyond it would trap when batched.
    for (c, indices) in checkpoint.memory.exemplars.sorted(by: { $0.key < $1.key }) {
      guard (0..<checkpoint.totalClasses).contains(c) else {
        throw mismatch("/memory/classes holds class \(c), outside the checkpoint's "
                       + "\(checkpoint.totalClasses) classes")
      }
      if let bad = indices.first(where: { !(0..<data.train.count).contains($0) }) {
        throw mismatch("/memory/exemplar_index holds \(bad) for class \(c), outside the "
                       + "\(data.train.count) training images of \(data.name)")
      }
    }
    do {
      let run = try ClassIncrementalRun(resuming: checkpoint, plan: plan, data: data,
                                        context: context)
      return (run, header, checkpoint.position)
    } catch let error as ModuleStateError {
      throw mismatch("dataset /\(error.section)/\(error.name): " + error.problem)
    } catch let error as CheckpointMismatch {
      throw mismatch((error.field.flatMap { storedAt[$0] }.map { $0 + ": " } ?? "") + error.message)
    }
  }

  /// Where the file keeps each part of a `RunCheckpoint` that a mismatch can name.
  static let storedAt = [
    "position.task": "attribute task", "position.epochsCompleted": "attribute epochs_completed",
    "taskSizes": "attribute task_sizes", "knownClasses": "attributes known_classes, total_classes",
    "result": "/results", "teacher": "/teacher",
  ]
}

/// Reads one checkpoint file's parts, naming the dataset or attribute that is missing.
private struct CheckpointReader {
  let file: HDF5File

  func fail(_ message: String) -> RecordingError {
    RecordingError(path: file.path, message: message)
  }

  func attribute<T: HDF5Element>(_ name: String, _ type: T.Type = T.self) throws -> T {
    guard try file.attributes.contains(name) else { throw fail("missing attribute \(name) at /") }
    return try file.attributes.read(name, as: T.self)
  }

  func group(_ path: String) throws -> HDF5Group {
    guard try file.root.contains(path), try file.root.kind(of: path) == .group else {
      throw fail("missing group /\(path)")
    }
    return try file.root.openGroup(path)
  }

  func values<T: HDF5Element>(_ path: String, _ type: T.Type = T.self) throws
    -> (values: [T], shape: [Int])
  {
    guard try file.root.contains(path), try file.root.kind(of: path) == .dataset else {
      throw fail("missing dataset /\(path)")
    }
    let dataset = try file.root.openDataset(path)
    return (try dataset.read(), try dataset.shape())
  }

  func read() throws -> (header: RunCheckpointFile.Header, checkpoint: RunCheckpoint) {
    let format: String = try attribute("format")
    guard format == RunCheckpointFile.format else {
      throw fail("format is \"\(format)\", not a \(RunCheckpointFile.format) file")
    }
    let version: Int32 = try attribute("format_version")
    guard version == RunCheckpointFile.formatVersion else {
      throw fail("checkpoint format version \(version); this Strata reads version "
                 + "\(RunCheckpointFile.formatVersion)")
    }
    let architectureText: String = try attribute("architecture")
    let architecture: ResNetArchitecture
    do {
      architecture = try ArchitectureSpec.decode(Data(architectureText.utf8),
                                                 file: file.path + " attribute architecture")
    } catch {
      throw fail("attribute architecture: " + error.located)
    }
    let header = RunCheckpointFile.Header(
      architecture: architecture, runSpec: try attribute("run_spec"),
      method: try attribute("method"), split: try attribute("split"),
      threads: try attribute("threads"),
      convolution: try file.attributes.contains("convolution")
        ? try attribute("convolution", String.self) : nil)

    let position = RunPosition(
      task: Int(try attribute("task", Int32.self)),
      epochsCompleted: Int(try attribute("epochs_completed", Int32.self)),
      taskComplete: try attribute("task_complete", Int32.self) != 0)
    guard try file.attributes.contains("task_sizes") else {
      throw fail("missing attribute task_sizes at /")
    }
    let taskSizes = try file.attributes.readArray("task_sizes", as: Int32.self).map(Int.init)
    let teacher = try file.root.contains("teacher") ? try state("teacher/") : nil
    let checkpoint = RunCheckpoint(
      position: position, taskSizes: taskSizes,
      knownClasses: Int(try attribute("known_classes", Int32.self)),
      totalClasses: Int(try attribute("total_classes", Int32.self)),
      network: try state(""), momentum: try group("momentum").readArrays(), teacher: teacher,
      memory: try memory(), result: try result())
    return (header, checkpoint)
  }

  func state(_ prefix: String) throws -> ModuleState {
    ModuleState(parameters: try group(prefix + "parameters").readArrays(),
                buffers: try group(prefix + "buffers").readArrays())
  }

  func memory() throws -> ExemplarMemory {
    let classes = try values("memory/classes", Int32.self).values
    let counts = try values("memory/exemplar_count", Int.self).values
    let indices = try values("memory/exemplar_index", Int.self).values
    guard counts.count == classes.count, counts.allSatisfy({ $0 >= 0 }),
          counts.reduce(0, +) == indices.count
    else {
      throw fail("/memory: \(classes.count) classes, \(counts.count) exemplar counts summing to "
                 + "\(counts.reduce(0, +)), \(indices.count) exemplar indices do not agree")
    }
    var exemplars: [Int: [Int]] = [:]
    var start = 0
    for (c, n) in zip(classes, counts) {
      exemplars[Int(c)] = Array(indices[start..<(start + n)])
      start += n
    }
    let meanClasses = try values("memory/mean_class", Int32.self).values
    let (means, shape) = try values("memory/class_means", Float.self)
    guard shape.count == 2, shape[0] == meanClasses.count else {
      throw fail("/memory/class_means has shape \(shape), expected [\(meanClasses.count), features]")
    }
    var classMeans: [Int: [Float]] = [:]
    for (k, c) in meanClasses.enumerated() {
      classMeans[Int(c)] = Array(means[(k * shape[1])..<((k + 1) * shape[1])])
    }
    return ExemplarMemory(exemplars: exemplars, classMeans: classMeans)
  }

  func matrix(_ name: String) throws -> AccuracyMatrix {
    let (values, shape) = try self.values("results/accuracy_\(name)", Double.self)
    let total = try self.values("results/accuracy_\(name)_total", Double.self).values
    guard shape.count == 2, shape[1] >= 1, shape[0] <= shape[1], total.count == shape[0] else {
      throw fail("/results/accuracy_\(name) has shape \(shape) and \(total.count) totals; "
                 + "expected [finished tasks ≤ tasks, tasks] and one total per finished task")
    }
    // Accuracies are fractions: a damaged value (7.0 printed "forgetting 396.88%") is refused,
    // not resumed from. NaN stays NaN, as the run wrote it.
    for t in 0..<shape[0] {
      for (j, value) in ([total[t]] + values[(t * shape[1])...(t * shape[1] + t)]).enumerated()
      where !value.isNaN && !(0...1).contains(value) {
        throw fail("/results/accuracy_\(name)" + (j == 0 ? "_total[\(t)]" : "[\(t), \(j - 1)]")
          + " is \(value), not an accuracy in [0, 1]; the checkpoint is damaged")
      }
    }
    var matrix = AccuracyMatrix(taskCount: shape[1])
    for t in 0..<shape[0] {
      matrix.append(perTask: Array(values[(t * shape[1])...(t * shape[1] + t)]), total: total[t])
    }
    return matrix
  }

  func result() throws -> RunResult {
    let cnn = try matrix("cnn")
    let nme = try file.root.contains("results/accuracy_nme") ? try matrix("nme") : nil
    let columns = try ["model_parameters", "network_parameters", "exemplars", "image_bytes"].map {
      try values("results/\($0)", Int.self).values
    }
    for (name, column) in zip(["model_parameters", "network_parameters", "exemplars",
                               "image_bytes"], columns) {
      if let t = column.firstIndex(where: { $0 < 0 }) {
        throw fail("/results/\(name)[\(t)] is \(column[t]), a negative count; the checkpoint is "
                   + "damaged")
      }
    }
    guard columns.allSatisfy({ $0.count == cnn.tasksSeen }) else {
      throw fail("/results: ledger columns of \(columns.map(\.count)) rows for "
                 + "\(cnn.tasksSeen) finished tasks")
    }
    let ledger = (0..<cnn.tasksSeen).map { t in
      LedgerEntry(task: t, modelParameters: columns[0][t], networkParameters: columns[1][t],
                  exemplars: columns[2][t], imageBytes: columns[3][t])
    }
    return RunResult(cnn: cnn, nme: nme, ledger: ledger)
  }
}
