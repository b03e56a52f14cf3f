import CIL
import Foundation
import HDF5

/// Writes a class-incremental run to HDF5, netCDF-4 style: coordinates `task` (the task just
/// trained) and `task_seen` (the task whose classes are evaluated), both dimension scales, and
///
/// - `accuracy_cnn[task, task_seen]`, `accuracy_nme[task, task_seen]` (NaN where j > t, and NME
///   only for methods with exemplars), fractions;
/// - `accuracy_cnn_total[task]`, `accuracy_nme_total[task]` on every class seen;
/// - the ledger per task: `model_parameters`, `network_parameters`, `exemplars`, `model_bytes`,
///   `exemplar_bytes`, `total_bytes`;
/// - root attributes: method, split, data set, summaries (average incremental accuracy, last
///   accuracy, forgetting), warnings, and the provenance (the spec as given, seed, Strata
///   version, git commit, command line, library versions with the convolution setting, threads);
/// - the run record (`/run`: class order and names, image, architecture, threads, …).
///
/// Written atomically like every Strata file: to `<path>.partial`, closed, then renamed.
public enum TrainingRecord {
  public static func write(_ result: RunResult, plan: RunPlan, provenance: Provenance,
                           run: RunRecord? = nil, to path: String) throws
  {
    try writeAtomically(path) { file in
      try write(result, plan: plan, provenance: provenance, into: file.root)
      try run?.write(into: file.root)
    }
  }

  private static func write(_ result: RunResult, plan: RunPlan, provenance: Provenance,
                            into root: HDF5Group) throws
  {
    let tasks = plan.stream.count
    try root.createCoordinate("task", values: (0..<tasks).map(Int32.init))
    try root.createCoordinate("task_seen", values: (0..<tasks).map(Int32.init))
    try root.describe("task", "task trained", "1",
                      "0-based index of the task just trained, as in every Strata file (task 0 "
                        + "is the first task)")
    try root.describe("task_seen", "task evaluated", "1",
                 "index of the task whose classes are evaluated (0-based)")

    var matrices = [("cnn", result.cnn, "classifier (CNN) top-1")]
    if let nme = result.nme { matrices.append(("nme", nme, "nearest-mean-of-exemplars (NME) top-1")) }
    for (name, matrix, what) in matrices {
      try root.createVariable("accuracy_\(name)", dimensions: ["task", "task_seen"],
                              values: matrix.values.flatMap { $0 })
      try root.describe("accuracy_\(name)", "\(what) accuracy per task", "1",
                   "accuracy after task t on the test images of task j's classes; NaN for j > t")
      try root.createVariable("accuracy_\(name)_total", dimensions: ["task"], values: matrix.total)
      try root.describe("accuracy_\(name)_total", "\(what) accuracy on all seen classes", "1",
                   "accuracy after task t on the test images of every class seen so far")
      try root.attributes.write("\(name)_average_incremental_accuracy",
                                matrix.averageIncrementalAccuracy)
      try root.attributes.write("\(name)_last_accuracy", matrix.lastAccuracy)
      try root.attributes.write("\(name)_forgetting", matrix.forgetting)
    }

    let ledger: [(String, (LedgerEntry) -> Int, String, String)] = [
      ("model_parameters", \.modelParameters, "1", "backbone parameters G + T·S (no classifier)"),
      ("network_parameters", \.networkParameters, "1", "every parameter, classifiers included"),
      ("exemplars", \.exemplars, "1", "exemplars in memory after the task"),
      ("model_bytes", \.modelBytes, "bytes", "4 bytes per backbone parameter"),
      ("exemplar_bytes", \.exemplarBytes, "bytes", "raw uint8 image bytes of the exemplars"),
      ("total_bytes", \.totalBytes, "bytes", "model bytes plus exemplar bytes"),
    ]
    for (name, value, units, description) in ledger {
      try root.createVariable(name, dimensions: ["task"], values: result.ledger.map(value))
      try root.describe(name, name.replacingOccurrences(of: "_", with: " "), units, description)
    }

    let attributes = root.attributes
    try attributes.write("method", plan.spec.modelName.rawValue)
    try attributes.write("split", plan.split.description)
    try attributes.write("architecture", plan.architecture.name)
    try attributes.write("dataset", plan.spec.dataset)
    try attributes.write("warnings", plan.warnings.isEmpty ? "" : plan.warnings.joined(separator: "\n"))
    // seed, spec (as given), Strata version, git commit, command line, libraries, threads.
    try provenance.write(to: attributes)
  }

}
