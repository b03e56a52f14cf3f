import Foundation
import Testing

/// The split study's README tables come from analyses/split-study/tables.py, which also checks
/// every paired difference and 95% t interval verify.h5 stores (Strata's
/// `VerificationStatistics`) against the same computation in numpy from the per-seed
/// accuracies, and exits non-zero when one differs: numpy as the oracle of the committed study.
@Suite struct StudyTablesTests {
  static var hasH5py: Bool {
    FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/h5py")
  }

  @Test(.enabled(if: hasH5py, "Debian's python3-h5py is missing: run scripts/install-deps --test"),
        arguments: [("resnet20", 39), ("convnet6", 42)])
  func theCommittedStatisticsAreNumpys(_ architecture: String, _ values: Int) throws {
    let (status, log) = try NotebookTests.run(
      "/usr/bin/python3", ["analyses/split-study/tables.py",
                           "analyses/split-study/\(architecture)/verify.h5"])
    #expect(status == 0, "\(log)")
    // Every candidate that fits, at every budget, but the reference: mean, low and high.
    #expect(log.contains("recomputed here: \(values) equal"), "\(log)")
  }
}
