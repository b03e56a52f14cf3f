import Foundation
import HDF5

/// A probe file read back: every variable of `ProbeSchema`, indexed [task][epoch][block] or
/// [task][block], NaN where nothing was measured, with the CKA notes and the provenance.
public struct ProbeRecord: Sendable {
  public var path: String
  /// Block names in forward order (`stem`, …, `head`).
  public var blocks: [String]
  /// 1-based tasks recorded (t ≥ 1), in file order.
  public var tasks: [Int]
  public var epochs: Int
  /// Length of the `task_seen` axis: the number of tasks of the run, base task included.
  public var runTasks: Int
  /// [task][epoch][block]; epochs a task did not run are NaN.
  public var gradientNorm: [[[Double]]]
  public var gradientNormNormalized: [[[Double]]]
  public var epochShift: [[[Double]]]
  /// ‖∇θ_b L‖/‖θ_b‖ per epoch, [task][epoch][block]; NaN in files recorded before it existed.
  public var gradientNormRelative: [[[Double]]]
  /// [task][block].
  public var shift: [[Double]]
  /// Per-filter angle change (rad) and BN affine shift, [task][block]; NaN in older files.
  public var filterAngleShift: [[Double]]
  public var affineShift: [[Double]]
  public var cosineDistance: [[Double]]
  public var statisticsShift: [[Double]]
  public var ckaOld: [[Double]]
  public var ckaNew: [[Double]]
  /// Why a CKA value is NaN ("" where it is defined), [task][block].
  public var ckaOldNote: [[String]]
  public var ckaNewNote: [[String]]
  /// [task][task_seen].
  public var accuracy: [[Double]]
  /// The rewind probe, when the file has it (nil for files recorded without it): split names in
  /// forward order, and the old-class and new-class accuracy [task][split].
  public var rewind: RewindRecord?
  /// The retrain probe, when the file has it: the same shape.
  public var retrain: RewindRecord?
  public var provenance: Provenance
  /// The run record (`/run`); nil in files written before it existed.
  public var run: RunRecord?
  /// The run seed of this record: the file's `seed` coordinate, else the run record's first
  /// seed, else the provenance's.
  public var seed: Int
}

/// The rewind or the retrain probe of a probe file (`ProbeSchema.SplitProbe`).
public struct RewindRecord: Sendable, Equatable {
  /// Legal split names in forward order, `stem` … `none`.
  public var splits: [String]
  /// [task][split].
  public var oldAccuracy: [[Double]]
  public var newAccuracy: [[Double]]
}

extension ProbeFile {
  /// An existing probe file; throws naming `path` when there is nothing there.
  public static func open(_ path: String) throws -> ProbeFile {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
          !isDirectory.boolValue
    else {
      throw RecordingError(path: path, message: "no such probe file")
    }
    return ProbeFile(path: path)
  }

  /// Reads every variable. A file that is not HDF5, lacks a variable of the schema or has one of
  /// the wrong shape is an error naming the file and the variable.
  /// A file with a `seed` axis reads as its first seed (`readSeeds()` reads every seed).
  public func read() throws -> ProbeRecord {
    try readingHDF5(path) { try readRecord(seed: nil) }
  }

  /// Seed `seedIndex` of a file with a `seed` axis holding `seeds`.
  func read(seedIndex: Int, of seeds: [Int]) throws -> ProbeRecord {
    try readingHDF5(path) { try readRecord(seed: (seedIndex, seeds)) }
  }

  private func readRecord(seed requested: (index: Int, seeds: [Int])?) throws -> ProbeRecord {
    let file: HDF5File
    do {
      file = try HDF5File.open(path)
    } catch {
      throw RecordingError(path: path, message: RecordingError.notHDF5(path)
                             ?? "not a readable HDF5 file (\(error))")
    }
    defer { try? file.close() }
    let root = file.root
    let expected = ["task", "epoch", "block", "task_seen"] + ProbeSchema.variables.map(\.name)
      + ProbeSchema.notes
    for name in expected where !(try root.contains(name)) {
      throw RecordingError(path: path, message: "no variable '\(name)'; not a Strata probe file "
                           + "(expected \(expected.joined(separator: ", ")))")
    }
    let hasSplits = try root.contains("split")
    for name in ["task", "epoch", "block", "task_seen"] + (hasSplits ? ["split"] : []) {
      _ = try root.coordinateLength(name, file: path)
    }
    let tasks = try root.openDataset("task").read(Int32.self).map(Int.init)
    let blocks = try root.openDataset("block").read(String.self)
    let epochs = try root.coordinateLength("epoch", file: path)
    let seen = try root.coordinateLength("task_seen", file: path)
    let splits = hasSplits ? try root.openDataset("split").read(String.self) : nil
    var seed = requested
    if seed == nil, try root.contains("seed") {
      seed = (0, try root.openDataset("seed").read(Int64.self).map(Int.init))
    }
    let sizes = ["task": tasks.count, "epoch": epochs, "block": blocks.count, "task_seen": seen,
                 "split": splits?.count ?? 0, "block_a": blocks.count, "block_b": blocks.count]

    func values<T: HDF5Element>(_ name: String, _ type: T.Type) throws -> (values: [T], row: Int) {
      var dimensions = (ProbeSchema.variables + ProbeSchema.correctedVariables
                        + ProbeSchema.rewindVariables + ProbeSchema.retrainVariables)
        .first { $0.name == name }?.dimensions ?? ["task", "block"]
      var shape = dimensions.map { sizes[$0]! }
      if let seed {
        dimensions.insert("seed", at: 0)
        shape.insert(seed.seeds.count, at: 0)
      }
      let dataset = try root.openDataset(name)
      let stored = try dataset.shape()
      guard stored == shape else {
        throw RecordingError(path: path, message: "variable '\(name)' has shape \(stored), "
                             + "expected \(shape) (\(dimensions.joined(separator: ", ")))")
      }
      let all = try dataset.read(T.self)
      guard let seed else { return (all, shape.dropFirst().reduce(1, *)) }
      let size = shape.dropFirst().reduce(1, *)
      return (Array(all[seed.index * size..<(seed.index + 1) * size]),
              shape.dropFirst(2).reduce(1, *))
    }
    func matrix(_ name: String) throws -> [[Double]] {
      let (flat, row) = try values(name, Double.self)
      return chunks(flat, row)
    }
    func cube(_ name: String) throws -> [[[Double]]] {
      try matrix(name).map { chunks($0, blocks.count) }
    }
    /// A variable later versions added: NaN of the right shape when the file lacks it.
    func optional(_ name: String, epochs perTask: Int?) throws -> [[[Double]]] {
      if try root.contains(name) {
        return perTask == nil ? try matrix(name).map { [$0] } : try cube(name)
      }
      let row = [Double](repeating: .nan, count: blocks.count)
      return tasks.map { _ in Array(repeating: row, count: perTask ?? 1) }
    }
    func notes(_ name: String) throws -> [[String]] {
      let (flat, row) = try values(name, String.self)
      return chunks(flat, row)
    }
    var recorded: [ProbeSchema.SplitProbe: RewindRecord] = [:]
    if let splits {
      for probe in ProbeSchema.SplitProbe.allCases {
        let (old, new) = (probe.variables[0].name, probe.variables[1].name)
        switch (try root.contains(old), try root.contains(new)) {
        case (true, true):
          recorded[probe] = RewindRecord(splits: splits, oldAccuracy: try matrix(old),
                                         newAccuracy: try matrix(new))
        case (false, false): continue
        case (let hasOld, _):
          throw RecordingError(path: path, message: "has '\(hasOld ? old : new)' but no "
                               + "variable '\(hasOld ? new : old)'")
        }
      }
      if recorded.isEmpty {
        throw RecordingError(path: path, message: "has a 'split' axis but no variable "
          + "'rewind_old_accuracy' nor 'retrain_old_accuracy'")
      }
    }
    let provenance = try Provenance(reading: file.attributes, path: path)
    let run = try RunRecord(reading: root, path: path)
    return ProbeRecord(
      path: path, blocks: blocks, tasks: tasks, epochs: epochs, runTasks: seen,
      gradientNorm: try cube("grad_norm"), gradientNormNormalized: try cube("grad_norm_normalized"),
      epochShift: try cube("param_shift_epoch"),
      gradientNormRelative: try optional("grad_norm_relative", epochs: epochs), shift: try matrix("param_shift"),
      filterAngleShift: try optional("filter_angle_shift", epochs: nil).map { $0[0] },
      affineShift: try optional("bn_affine_shift", epochs: nil).map { $0[0] },
      cosineDistance: try matrix("param_cosine_distance"),
      statisticsShift: try matrix("bn_stat_shift"), ckaOld: try matrix("cka_old"),
      ckaNew: try matrix("cka_new"), ckaOldNote: try notes("cka_old_note"),
      ckaNewNote: try notes("cka_new_note"), accuracy: try matrix("accuracy"), rewind: recorded[.rewind],
      retrain: recorded[.retrain],
      provenance: provenance,
      run: run, seed: seed.map { $0.seeds[$0.index] } ?? run?.seeds.first ?? Int(provenance.seed))
  }
}

/// Row-major `flat` cut into rows of `length` (no rows when `length` is 0).
private func chunks<T>(_ flat: [T], _ length: Int) -> [[T]] {
  guard length > 0 else { return [] }
  return stride(from: 0, to: flat.count, by: length).map { Array(flat[$0..<($0 + length)]) }
}
