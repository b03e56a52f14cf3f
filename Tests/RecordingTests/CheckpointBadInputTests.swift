import CIL
import Foundation
import Testing
@testable import Recording

/// Broken checkpoints (issue 11): `--resume` refuses each with a `RecordingError` naming the file
/// and the attribute, dataset or setting at fault, before any training.
@Suite struct CheckpointBadInputTests {
  typealias Fixture = CheckpointFixture

  static let cases: [BrokenFile] = BrokenFile.wholeFile(
    missing: "no checkpoint here", notHDF5: "not readable as HDF5") + [
    BrokenFile("a training record instead", .otherKind, ["missing attribute format at /"]),
    BrokenFile("no format attribute", .h5py(["delattr:/:format"]),
               ["missing attribute format at /"]),
    BrokenFile("format of another file", .h5py([#"setattr:/:format:"strata-probes""#]),
               ["format is \"strata-probes\", not a strata-checkpoint file"]),
    BrokenFile("format version 9", .h5py([#"setattr:/:format_version:{"int32": 9}"#]),
               ["checkpoint format version 9; this Strata reads version 1"]),
    BrokenFile("format version as text", .h5py([#"setattr:/:format_version:"1""#]),
               ["root attribute format_version: stored type is"]),
    BrokenFile("architecture that is not JSON", .h5py([#"setattr:/:architecture:"{\"stem\": ""#]),
               ["attribute architecture: not valid JSON: line 1, column 10 (end of file)"]),
    BrokenFile("task beyond the run", .h5py([#"setattr:/:task:{"int32": 7}"#]),
               ["attribute task: the checkpoint is at task 7; the run has 2 tasks"]),
    BrokenFile("negative epochs done", .h5py([#"setattr:/:epochs_completed:{"int32": -1}"#]),
               ["attribute epochs_completed: the checkpoint has -1 epochs of task 1 done"]),
    BrokenFile("tasks of another stream", .h5py([#"setattr:/:task_sizes:{"int32": [3, 1]}"#]),
               ["attribute task_sizes: the checkpoint's tasks add [3, 1] classes"]),
    BrokenFile("momentum group deleted", .h5py(["delete:momentum"]), ["missing group /momentum"]),
    BrokenFile("exemplar index deleted", .h5py(["delete:memory/exemplar_index"]),
               ["missing dataset /memory/exemplar_index"]),
    BrokenFile("exemplar counts not matching", .h5py(["replace:memory/exemplar_count:[1, 2, 3]"]),
               ["/memory: 2 classes, 3 exemplar counts summing to 6, 8 exemplar indices"]),
    // Would trap when the exemplars are batched.
    BrokenFile("exemplar beyond the training images",
               .h5py(["replace:memory/exemplar_index:[4, 0, 8, 12, 1, 9, 5, 99999]"]),
               ["/memory/exemplar_index holds 99999 for class 1, outside the 16 training images"]),
    BrokenFile("class means as a vector", .h5py([#"replace:memory/class_means:{"float32": [0.5, 0.5]}"#]),
               ["/memory/class_means has shape [2], expected [2, features]"]),
    BrokenFile("accuracy matrix of three tasks",
               .h5py(["replace:results/accuracy_cnn:[[0.8, 0.1, 0.1]]"]),
               ["/results: the checkpoint's results have 1 of 3 rows"]),
    // Issue 24: an accuracy of 7.0 was resumed from and printed "forgetting 396.88%".
    BrokenFile("an accuracy of 7.0", .h5py(["replace:results/accuracy_cnn:[[7.0, 0.0]]"]),
               ["/results/accuracy_cnn[0, 0] is 7.0, not an accuracy in [0, 1]"]),
    BrokenFile("a total accuracy of -0.5", .h5py(["replace:results/accuracy_cnn_total:[-0.5]"]),
               ["/results/accuracy_cnn_total[0] is -0.5, not an accuracy in [0, 1]"]),
    BrokenFile("a negative exemplar count", .h5py([#"replace:results/exemplars:{"int64": [-5]}"#]),
               ["/results/exemplars[0] is -5, a negative count"]),
    BrokenFile("ledger column cut", .h5py([#"replace:results/exemplars:{"int64": []}"#]),
               ["/results: ledger columns of [1, 1, 0, 1] rows for 1 finished tasks"]),
    BrokenFile("a parameter of another shape",
               .h5py([#"replace:parameters/head.weight:{"float32": [1, 2, 3]}"#]),
               ["/parameters/head.weight: shape [3], the network's is"]),
    BrokenFile("a parameter stored as text", .h5py([#"replace:parameters/head.bias:["a", "b"]"#]),
               ["/parameters/head.bias: stored type is"]),
  ]

  @Test(arguments: cases)
  func brokenCheckpoint(_ broken: BrokenFile) throws {
    let plan = try Fixture.plan(Fixture.spec(.memo))
    try broken.check(
      make: { try Fixture.write(try Fixture.checkpoint(plan), plan, to: $0) },
      other: { path in
        let record = try TrainingRecordTests.plan()
        try TrainingRecord.write(TrainingRecordTests.result(plan: record), plan: record,
                                 provenance: Provenance(
          strataVersion: "0", gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
      },
      read: { try RunCheckpointFileTests.resume($0, plan) })
  }
}
