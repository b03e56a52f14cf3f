import Foundation
import HDF5

/// The probe files of several seeds of one run as one file with a `seed` axis.
///
/// Layout (what xarray and h5netcdf read best: one dataset, labelled axes): a coordinate
/// `seed` (the run seeds, int64) and every per-run variable of the one-seed layout with `seed`
/// as its first dimension (`cka_old[seed, task, block]`, `grad_norm[seed, task, epoch, block]`,
/// `rewind_old_accuracy[seed, task, split]`, …); the coordinates `task`, `epoch`, `block`,
/// `task_seen` (and `split`, `block_a`, `block_b`) are shared, so every seed must have run the
/// same tasks. `seed_class_order[seed, class_rank]` holds each seed's class order (the seed
/// decides it); `/run` is the first seed's run record with `seeds` set to every seed, the
/// root provenance the first seed's. Per-iteration gradient norms are not merged (their
/// `iteration` axis is per run); they stay in the per-seed files.
extension ProbeFile {
  /// The variables merged over seeds: every per-run variable of the one-seed layout.
  static var seededVariables: [ProbeSchema.Variable] {
    ProbeSchema.variables + ProbeSchema.correctedVariables + ProbeSchema.rewindVariables
      + ProbeSchema.retrainVariables + ProbeSchema.ckaMatrixVariables
      + ProbeSchema.notes.map {
        ProbeSchema.Variable(name: $0, dimensions: ["task", "block"],
                             longName: "why \($0.dropLast(5)) is NaN", units: "",
                             description: "empty where the value is defined")
      }
  }

  /// Writes `output` from the one-seed probe files `files` (seed, path), atomically. Every file
  /// must hold the same tasks, blocks, epochs and splits; an error names the file that differs.
  public static func merge(_ files: [(seed: Int, path: String)], into output: String,
                           overwrite: Bool = true) throws
  {
    precondition(!files.isEmpty, "merge at least one seed")
    let opened = try files.map { ($0.seed, $0.path, try HDF5File.open($0.path)) }
    defer { for (_, _, file) in opened { try? file.close() } }
    let (_, firstPath, first) = opened[0]
    let names = try seededVariables.filter { try first.root.contains($0.name) }
    let axes = ["task", "epoch", "block", "task_seen", "split", "block_a", "block_b"]
    for (_, path, file) in opened.dropFirst() {
      for axis in axes where try first.root.contains(axis) {
        let same = try file.root.contains(axis) && (try file.root.openDataset(axis).shape()
                                                    == first.root.openDataset(axis).shape())
        guard same else {
          throw RecordingError(path: path, message: "its '\(axis)' axis differs from \(firstPath)'s;"
                               + " seeds of one probe file must run the same tasks and blocks")
        }
      }
    }
    let records = try files.map { try ProbeFile(path: $0.path).read() }
    try createAtomically(output, overwrite: overwrite) { merged in
      let root = merged.root
      try root.createCoordinate("seed", values: files.map { Int64($0.seed) })
      try root.describe("seed", "run seed", "1", "seed of the probe run: it decides the class "
                        + "order (numpy legacy RandomState), the initialization and the batch "
                        + "order, as PyCIL's seed; every per-run variable has seed as its first "
                        + "dimension")
      for axis in axes where try first.root.contains(axis) {
        let source = try first.root.openDataset(axis)
        if axis == "task" || axis == "epoch" || axis == "task_seen" {
          try root.createCoordinate(axis, values: try source.read(Int32.self))
        } else {
          try root.createCoordinate(axis, values: try source.read(String.self))
        }
        try copyDescription(of: axis, from: first.root, to: root)
      }
      for variable in names {
        let dimensions = ["seed"] + variable.dimensions
        if ProbeSchema.notes.contains(variable.name) {
          let values = try opened.flatMap { try $0.2.root.openDataset(variable.name).read(String.self) }
          try root.createVariable(variable.name, dimensions: dimensions, values: values)
        } else {
          var values: [Double] = []
          for (_, path, file) in opened {
            guard try file.root.contains(variable.name) else {
              throw RecordingError(path: path, message: "no variable '\(variable.name)', which "
                                   + "\(firstPath) has; seeds must be recorded alike")
            }
            values += try file.root.openDataset(variable.name).read(Double.self)
          }
          try root.createVariable(variable.name, dimensions: dimensions, values: values)
        }
        try copyDescription(of: variable.name, from: first.root, to: root)
      }
      let classes = records[0].run?.classOrder.count ?? 0
      if classes > 0, records.allSatisfy({ $0.run?.classOrder.count == classes }) {
        try root.createCoordinate("class_rank", values: (0..<classes).map(Int32.init))
        try root.describe("class_rank", "position in the class order", "1", "0-based")
        try root.createVariable("seed_class_order", dimensions: ["seed", "class_rank"],
                                values: records.flatMap { $0.run!.classOrder.map(Int64.init) })
        try root.describe("seed_class_order", "class order of the seed", "1",
                          "the dataset's class index at each position of the seed's class order")
      }
      try records[0].provenance.write(to: merged.attributes)
      if var run = records[0].run {
        run.seeds = files.map(\.seed)
        try run.write(into: root)
      }
    }
  }

  /// Copies every attribute but the dimension-scale bookkeeping of `name`.
  private static func copyDescription(of name: String, from: HDF5Group, to: HDF5Group) throws {
    let (source, target) = (try from.openDataset(name).attributes, try to.openDataset(name).attributes)
    let skipped = ["CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid"]
    for attribute in try source.names() where !skipped.contains(attribute) {
      if try target.contains(attribute) { continue }
      if let text = try? source.read(attribute, as: String.self) {
        try target.write(attribute, text)
      } else if let integer = try? source.read(attribute, as: Int64.self) {
        try target.write(attribute, integer)
      } else if let real = try? source.read(attribute, as: Double.self) {
        try target.write(attribute, real)
      }
    }
  }

  /// Every seed's record: one for a file without a `seed` axis (its run seed, or the run
  /// record's first seed), one per seed otherwise.
  public func readSeeds() throws -> [ProbeRecord] {
    let seeds: [Int]? = try readingHDF5(path) {
      let file = try HDF5File.open(path)
      defer { try? file.close() }
      guard try file.root.contains("seed") else { return nil }
      return try file.root.openDataset("seed").read(Int64.self).map(Int.init)
    }
    guard let seeds else { return [try read()] }
    return try seeds.indices.map { try read(seedIndex: $0, of: seeds) }
  }
}
