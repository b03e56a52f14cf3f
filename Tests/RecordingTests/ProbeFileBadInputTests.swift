import Foundation
import Testing
@testable import Recording

/// Broken probe files (issue 11): `strata split` and `strata report` read them; each refusal is
/// a `RecordingError` naming the file and the variable or attribute at fault.
@Suite struct ProbeFileBadInputTests {
  static let cases: [BrokenFile] = BrokenFile.wholeFile(
    missing: "no such probe file", notHDF5: "not a readable HDF5 file") + [
    BrokenFile("a training record instead", .otherKind,
               ["no variable 'epoch'; not a Strata probe file"]),
    BrokenFile("CKA deleted", .h5py(["delete:cka_old"]), ["no variable 'cka_old'"]),
    BrokenFile("CKA notes deleted", .h5py(["delete:cka_new_note"]), ["no variable 'cka_new_note'"]),
    BrokenFile("shift of another shape", .h5py(["replace:param_shift:[[1.0, 2.0]]"]),
               ["variable 'param_shift' has shape [1, 2], expected [2, 3] (task, block)"]),
    // Once a trap: the readers took the first axis of every coordinate.
    BrokenFile("epoch as a scalar", .h5py([#"replace:epoch:{"int32": 2}"#]),
               ["variable 'epoch' has shape []; a coordinate has one axis"]),
    BrokenFile("task_seen as a matrix", .h5py([#"replace:task_seen:{"int32": [[0, 1], [2, 3]]}"#]),
               ["variable 'task_seen' has shape [2, 2]"]),
    BrokenFile("block names as numbers", .h5py(["replace:block:[1, 2, 3]"]),
               ["/block: stored type is 64-bit signed integer, read as string"]),
    BrokenFile("gradient norms as text", .h5py([
      #"replace:grad_norm:[[["a", "b", "c"], ["a", "b", "c"]], [["a", "b", "c"], ["a", "b", "c"]]]"#,
    ]), ["/grad_norm: stored type is variable-length string, read as 64-bit float"]),
    BrokenFile("no git commit", .h5py(["delattr:/:git_commit"]),
               ["no root attribute 'git_commit' (provenance)"]),
    BrokenFile("threads as text", .h5py([#"setattr:/:threads:"two""#]),
               ["root attribute threads: stored type is variable-length string"]),
    BrokenFile("rewind with old classes only", .h5py([
      #"replace:split:["stem", "none"]"#, "replace:rewind_old_accuracy:[[0.5, 0.5], [0.5, 0.5]]",
    ]), ["has 'rewind_old_accuracy' but no variable 'rewind_new_accuracy'"]),
    BrokenFile("split axis without a split probe", .h5py([#"replace:split:["stem", "none"]"#]),
               ["has a 'split' axis but no variable 'rewind_old_accuracy' nor 'retrain_old_accuracy'"]),
  ]

  @Test(arguments: cases)
  func brokenProbeFile(_ broken: BrokenFile) throws {
    try broken.check(
      make: { path in
        let file = try ProbeFile.create(at: path, blocks: ProbeFileTests.blocks, epochs: 2,
                                        tasks: 4, settings: ProbeFileTests.settings,
                                        provenance: ProbeFileTests.provenance)
        try file.append(ProbeFileTests.task(1, epochs: 2))
        try file.append(ProbeFileTests.task(2, epochs: 1))
      },
      other: { path in
        let plan = try TrainingRecordTests.plan()
        try TrainingRecord.write(TrainingRecordTests.result(plan: plan), plan: plan,
                                 provenance: Provenance(
          strataVersion: "0", gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
      },
      read: { _ = try ProbeFile.open($0).read() })
  }
}
