import Foundation
import HDF5
import Probes

/// A probe file (`probes.h5`): netCDF-4-compatible HDF5 that h5py and
/// `xarray.open_dataset(path, engine="h5netcdf")` open with labelled axes.
///
/// Every change is atomic: the file is read into memory and extended there, its bytes go to
/// `<path>.partial`, which is renamed over the original. A run killed at any moment leaves the
/// last complete file (tasks 1…t) and at worst a stale `.partial`, which the next append
/// replaces.
public struct ProbeFile: Sendable {
  public let path: String

  /// Creates an empty file (no tasks yet) with its coordinates, variables, estimator settings
  /// and provenance. Refuses to replace an existing file unless `overwrite`. With
  /// `perIteration`, the file also holds every iteration's gradient norms
  /// (`ProbeSchema.iterationVariables` over an unlimited `iteration` axis). With `splits` (the
  /// legal split names in forward order), it holds the `splitProbes` (the rewind probe, the
  /// retrain probe: `ProbeSchema.SplitProbe.variables` over a `split` axis). `run` is the run
  /// record (`/run`) the later stages read instead of re-deriving the run.
  public static func create(at path: String, blocks: [String], epochs: Int, tasks: Int,
                            settings: ProbeSettings, provenance: Provenance,
                            perIteration: Bool = false, splits: [String]? = nil,
                            splitProbes: [ProbeSchema.SplitProbe] = [.rewind],
                            ckaMatrix: Bool = false, run: RunRecord? = nil,
                            overwrite: Bool = false) throws -> ProbeFile
  {
    try createAtomically(path, overwrite: overwrite) { file in
      let root = file.root
      try root.createCoordinate("task", values: [Int32](), extendable: true)
      try root.createCoordinate("epoch", values: (1...max(epochs, 1)).map(Int32.init))
      try root.createCoordinate("block", values: blocks)
      try root.createCoordinate("task_seen", values: (0..<max(tasks, 1)).map(Int32.init))
      try root.describe("task", "incremental task", "1",
                        "0-based task index as in every Strata file (task 0 is the first task); "
                          + "probes start at task 1: each compares the network after task t "
                          + "with that after t-1")
      try root.describe("epoch", "epoch within the task", "1", "1-based")
      try root.describe("block", "block name", "", "stem, stage1.block1, ..., head (forward order)")
      try root.describe("task_seen", "evaluated task", "1", "0-based task whose classes are scored")
      for variable in ProbeSchema.variables + ProbeSchema.correctedVariables {
        try root.createVariable(variable.name, of: Double.self, dimensions: variable.dimensions)
        try root.describe(variable.name, variable.longName, variable.units, variable.description)
      }
      for (note, variable) in zip(ProbeSchema.notes, ["cka_old", "cka_new"]) {
        try root.createVariable(note, of: String.self, dimensions: ["task", "block"])
        try root.describe(note, "why \(variable) is NaN", "", "empty where the value is defined")
      }
      if ckaMatrix {
        for axis in ["block_a", "block_b"] {
          try root.createCoordinate(axis, values: blocks)
        }
        try root.describe("block_a", "block of the model before the task", "", "as block")
        try root.describe("block_b", "block of the model after the task", "", "as block")
        for variable in ProbeSchema.ckaMatrixVariables {
          try root.createVariable(variable.name, of: Double.self, dimensions: variable.dimensions)
          try root.describe(variable.name, variable.longName, variable.units, variable.description)
        }
      }
      for name in ["cka_old", "cka_new"] + (ckaMatrix ? ProbeSchema.ckaMatrixVariables.map(\.name) : []) {
        let attributes = try root.openDataset(name).attributes
        try attributes.write("estimator", "minibatch linear CKA, unbiased HSIC_1 (Song et al. 2012; "
                             + "Nguyen, Raghu, Kornblith 2021)" + (settings.ckaBatchSize == 0
                               ? "; batch_size 0: one batch holding every probe image of the "
                                 + "subset, which is Kornblith's debiased CKA" : ""))
        try attributes.write("centering", "per-batch feature mean subtracted before the Gram matrices")
        try attributes.write("accumulation", "Float64")
        try attributes.write("batch_size", Int64(settings.ckaBatchSize))
        try attributes.write("features", settings.ckaFeatures)
        try attributes.write("probe_images_per_class", Int64(settings.probeImagesPerClass))
        try attributes.write("probe_set", settings.probeSet)
        try attributes.write("clamped", Int32(0))
      }
      if perIteration {
        try root.createCoordinate("iteration", values: [Int32](), extendable: true)
        try root.describe("iteration", "recorded training iteration", "1",
                          "1-based count of the iterations recorded in this file (tasks t >= 1)")
        for variable in ProbeSchema.iterationVariables {
          if variable.dimensions == ["iteration"] {
            try root.createVariable(variable.name, of: Int32.self, dimensions: variable.dimensions)
          } else {
            try root.createVariable(variable.name, of: Double.self, dimensions: variable.dimensions)
          }
          try root.describe(variable.name, variable.longName, variable.units, variable.description)
        }
      }
      if let splits {
        try root.createCoordinate("split", values: splits)
        try root.describe("split", "split point", "", "in forward order: the first body block "
                          + "rewound (rewind probe) or trained (retrain probe); stem: every body "
                          + "block, none: no body block")
        for variable in splitProbes.flatMap(\.variables) {
          try root.createVariable(variable.name, of: Double.self, dimensions: variable.dimensions)
          try root.describe(variable.name, variable.longName, variable.units, variable.description)
        }
      }
      try provenance.write(to: file.attributes)
      try run?.write(into: root)
    }
    return ProbeFile(path: path)
  }

  /// Appends one task to every variable, atomically.
  public func append(_ probes: TaskProbes) throws {
    try modifyAtomically(path) { file in
      let root = file.root
      let blocks = try root.openDataset("block").shape()[0]
      let epochs = try root.openDataset("epoch").shape()[0]
      let seen = try root.openDataset("task_seen").shape()[0]
      func rows(_ matrix: [[Double]]) throws -> [Double] {
        guard matrix.count <= epochs, matrix.allSatisfy({ $0.count == blocks }) else {
          throw RecordingError(path: path, message: "task \(probes.task): \(matrix.count) epochs × "
                               + "\(matrix.first?.count ?? 0) blocks do not fit \(epochs) × \(blocks)")
        }
        let padding = [Double](repeating: .nan, count: (epochs - matrix.count) * blocks)
        return matrix.flatMap { $0 } + padding
      }
      guard probes.shift.count == blocks, probes.ckaOld.count == blocks,
            probes.ckaNew.count == blocks, probes.accuracy.count <= seen,
            probes.iterations.allSatisfy({ $0.norm.count == blocks && $0.normalized.count == blocks })
      else {
        throw RecordingError(path: path, message: "task \(probes.task): per-block values do not "
                             + "match the file's \(blocks) blocks")
      }
      let perIteration = try root.contains("iteration")
      guard perIteration || probes.iterations.isEmpty else {
        throw RecordingError(path: path, message: "task \(probes.task): per-iteration gradient "
                             + "norms given, but the file was created without them")
      }
      let splits = try root.contains("split") ? try root.openDataset("split").shape()[0] : 0
      var splitProbes: [ProbeSchema.SplitProbe] = []
      for probe in ProbeSchema.SplitProbe.allCases {
        let recorded = try root.contains(probe.variables[0].name)
        let (old, new) = probes.values(probe)
        guard old.count == new.count, old.count == (recorded ? splits : 0) else {
          throw RecordingError(path: path, message: "task \(probes.task): \(old.count) "
            + "old-class and \(new.count) new-class \(probe.rawValue) accuracies "
            + (recorded ? "for the file's \(splits) splits"
                        : "given, but the file was created without the \(probe.rawValue) probe"))
        }
        if recorded { splitProbes.append(probe) }
      }
      let matrix = try root.contains("cka_matrix_old")
      for cka in [probes.ckaMatrixOld, probes.ckaMatrixNew] {
        let fits = cka.count == blocks && cka.allSatisfy { $0.count == blocks }
        guard matrix ? fits : cka.isEmpty else {
          throw RecordingError(path: path, message: "task \(probes.task): "
            + (matrix ? "a CKA matrix of \(cka.count) rows does not fit the file's \(blocks) blocks"
                      : "a CKA matrix given, but the file was created without it"))
        }
      }
      try root.openDataset("task").append([Int32(probes.task)])
      if matrix {
        try root.openDataset("cka_matrix_old").append(probes.ckaMatrixOld.flatMap { $0.map(\.value) })
        try root.openDataset("cka_matrix_new").append(probes.ckaMatrixNew.flatMap { $0.map(\.value) })
      }
      try root.openDataset("grad_norm").append(try rows(probes.gradientNorm))
      try root.openDataset("grad_norm_normalized").append(try rows(probes.gradientNormNormalized))
      try root.openDataset("param_shift_epoch").append(try rows(probes.epochShift))
      try root.openDataset("param_shift").append(probes.shift.map(\.relative))
      try root.openDataset("param_cosine_distance").append(probes.shift.map(\.cosineDistance))
      try root.openDataset("bn_stat_shift").append(probes.shift.map(\.statisticsRelative))
      if try root.contains("grad_norm_relative") {
        let missing = [Double](repeating: .nan, count: blocks)
        try root.openDataset("grad_norm_relative").append(try rows(probes.gradientNormRelative))
        for (name, values) in [("filter_angle_shift", probes.filterAngleShift),
                               ("bn_affine_shift", probes.affineShift)] {
          guard values.isEmpty || values.count == blocks else {
            throw RecordingError(path: path, message: "task \(probes.task): \(values.count) "
                                 + "values of \(name) for the file's \(blocks) blocks")
          }
          try root.openDataset(name).append(values.isEmpty ? missing : values)
        }
      }
      try root.openDataset("cka_old").append(probes.ckaOld.map(\.value))
      try root.openDataset("cka_new").append(probes.ckaNew.map(\.value))
      try root.openDataset("cka_old_note").append(probes.ckaOld.map { $0.reason ?? "" })
      try root.openDataset("cka_new_note").append(probes.ckaNew.map { $0.reason ?? "" })
      try root.openDataset("accuracy").append(
        probes.accuracy + [Double](repeating: .nan, count: seen - probes.accuracy.count))
      for probe in splitProbes {
        let (old, new) = probes.values(probe)
        try root.openDataset(probe.variables[0].name).append(old)
        try root.openDataset(probe.variables[1].name).append(new)
      }
      if perIteration {
        let iteration = try root.openDataset("iteration")
        let first = try iteration.shape()[0] + 1
        let its = probes.iterations
        try iteration.append((0..<its.count).map { Int32(first + $0) })
        try root.openDataset("grad_norm_iteration").append(its.flatMap(\.norm))
        try root.openDataset("grad_norm_normalized_iteration").append(its.flatMap(\.normalized))
        try root.openDataset("iteration_task").append(its.map { _ in Int32(probes.task) })
        try root.openDataset("iteration_epoch").append(its.map { Int32($0.epoch) })
        try root.openDataset("iteration_step").append(its.map { Int32($0.step) })
      }
    }
  }

  /// The tasks recorded so far.
  public func tasks() throws -> [Int] {
    let file = try HDF5File.open(path)
    return try file.root.openDataset("task").read(Int32.self).map(Int.init)
  }

}

/// A recording failure, naming the file.
public struct RecordingError: Error, CustomStringConvertible {
  public let path: String
  public let message: String
  public var description: String { "\(path): \(message)" }

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }
}
