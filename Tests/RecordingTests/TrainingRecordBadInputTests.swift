import Foundation
import Testing
@testable import Recording

/// Broken training records (issue 11): verification and reports read them back; each refusal is
/// a `RecordingError` naming the file and the variable or attribute at fault.
@Suite struct TrainingRecordBadInputTests {
  static let notRecord = "not a readable training record"

  static let cases: [BrokenFile] = BrokenFile.wholeFile(missing: notRecord, notHDF5: notRecord) + [
    BrokenFile("a probe file instead", .otherKind, ["no variable accuracy_cnn"]),
    BrokenFile("accuracy totals deleted", .h5py(["delete:accuracy_cnn_total"]),
               ["no variable accuracy_cnn_total"]),
    BrokenFile("exemplars deleted", .h5py(["delete:exemplars"]), ["no variable exemplars"]),
    BrokenFile("accuracy matrix of two tasks", .h5py(["replace:accuracy_cnn:[[1, 0], [0.5, 0.5]]"]),
               ["accuracy_cnn has 4 values, expected 9 (3 tasks)"]),
    BrokenFile("model bytes of two tasks", .h5py([#"replace:model_bytes:{"int64": [1, 2]}"#]),
               ["model_bytes has 2 values, expected 3"]),
    BrokenFile("exemplars as text", .h5py([#"replace:exemplars:["8", "7", "6"]"#]),
               ["/exemplars: stored type is variable-length string, read as 64-bit signed integer"]),
    BrokenFile("no method attribute", .h5py(["delattr:/:method"]), ["no attribute method"]),
    BrokenFile("seed as text", .h5py([#"setattr:/:seed:"1993""#]),
               ["root attribute seed: stored type is variable-length string"]),
    BrokenFile("task as a scalar", .h5py(["replace:task:3"]),
               ["variable 'task' has shape []; a coordinate has one axis"]),
    BrokenFile("no tasks", .h5py([#"replace:task:{"int32": []}"#]),
               ["variable 'task' is empty: no tasks recorded"]),
  ]

  @Test(arguments: cases)
  func brokenTrainingRecord(_ broken: BrokenFile) throws {
    try broken.check(
      make: { path in
        let plan = try TrainingRecordTests.plan()
        try TrainingRecord.write(TrainingRecordTests.result(plan: plan), plan: plan,
                                 provenance: Provenance(
          strataVersion: "0", gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
      },
      other: { path in
        _ = try ProbeFile.create(at: path, blocks: ProbeFileTests.blocks, epochs: 2, tasks: 4,
                                 settings: ProbeFileTests.settings,
                                 provenance: ProbeFileTests.provenance)
      },
      read: { _ = try TrainingRecord.read($0) })
  }
}
