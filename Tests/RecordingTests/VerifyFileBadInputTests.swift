import Foundation
import Testing
@testable import Recording

/// Broken verification files (issue 11): `strata report` reads them; each refusal is a
/// `RecordingError` naming the file and the variable or attribute at fault.
@Suite struct VerifyFileBadInputTests {
  static let notVerify = "not a readable verification file"

  static let cases: [BrokenFile] = BrokenFile.wholeFile(missing: notVerify, notHDF5: notVerify) + [
    BrokenFile("a training record instead", .otherKind,
               ["no variable candidate; not a verification file"]),
    BrokenFile("roles deleted", .h5py(["delete:role"]), ["no variable role"]),
    BrokenFile("NME accuracy deleted", .h5py(["delete:accuracy_nme"]), ["no variable accuracy_nme"]),
    // Once a trap: methods were indexed by candidate.
    BrokenFile("one method for two candidates", .h5py([#"replace:method:["memo"]"#]),
               ["method has 1 values, expected 2 (one per candidate)"]),
    BrokenFile("three roles for two candidates", .h5py([#"replace:role:["a", "b", "c"]"#]),
               ["role has 3 values, expected 2 (one per candidate)"]),
    BrokenFile("task as a scalar", .h5py([#"replace:task:{"int32": 3}"#]),
               ["variable 'task' has shape []; a coordinate has one axis"]),
    BrokenFile("accuracy of one grid point", .h5py(["replace:accuracy_cnn:[0.5, 0.5, 0.5]"]),
               ["accuracy_cnn has 3 values, expected 72"]),
    BrokenFile("no verdict", .h5py(["delattr:/:verdict"]), ["no root attribute 'verdict'"]),
    BrokenFile("tolerance as text", .h5py([#"setattr:/:tolerance:"1%""#]),
               ["root attribute tolerance: stored type is variable-length string"]),
    BrokenFile("fractional budgets", .h5py(["replace:budget:[1.5, 2.5]"]),
               ["/budget: stored type is 64-bit float, read as 64-bit signed integer"]),
    BrokenFile("candidates as numbers", .h5py(["replace:candidate:[1, 2]"]),
               ["/candidate: stored type is 64-bit signed integer"]),
  ]

  @Test(arguments: cases)
  func brokenVerifyFile(_ broken: BrokenFile) throws {
    try broken.check(
      make: { try VerifyFile.write(VerifyFileTests.record(), to: $0) },
      other: { path in
        let plan = try TrainingRecordTests.plan()
        try TrainingRecord.write(TrainingRecordTests.result(plan: plan), plan: plan,
                                 provenance: Provenance(
          strataVersion: "0", gitCommit: "abc", commandLine: "strata train", spec: "{}",
          seed: 1993, libraries: [:], threads: 1),
        to: path)
      },
      read: { _ = try VerifyFile.read($0) })
  }
}
