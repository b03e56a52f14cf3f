import Analysis
import Foundation
import HDF5
import Recording
import Testing
@testable import StrataCommands

/// Probe files of several seeds merged into one with a `seed` axis, read back per seed, and
/// `strata split` deciding over every seed; and `strata split` on a file of random values.
@Suite struct SeededSplitTests {
  @Test func mergedSeedsReadBackAndDecideOverEverySeed() throws {
    try SplitCommandTests.withDirectory { directory in
      var files: [(seed: Int, path: String)] = []
      for seed in [7, 8, 9] {
        let folder = directory + "/s\(seed)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        files.append((seed, try SplitCommandTests.probeFile(in: folder)))
      }
      let merged = directory + "/probes.h5"
      try ProbeFile.merge(files, into: merged)
      let records = try ProbeFile.open(merged).readSeeds()
      #expect(records.map(\.seed) == [7, 8, 9])
      let one = try ProbeFile.open(files[1].path).read()
      #expect(records[1].ckaOld == one.ckaOld)
      #expect(records[1].gradientNorm == one.gradientNorm)
      #expect(records[1].tasks == [1, 2, 3])
      // Variables the one-seed files lack read as NaN of the right shape.
      #expect(records[0].filterAngleShift.count == 3
              && records[0].filterAngleShift.allSatisfy { $0.count == one.blocks.count })
      let file = try HDF5File.open(merged)
      #expect(try file.root.openDataset("cka_old").shape() == [3, 3, one.blocks.count])
      #expect(try file.root.openDataset("cka_old").dimensionNames() == ["seed", "task", "block"])
      try file.close()
      let out = directory + "/analysis"
      try SplitCommandTests.command([merged, "--output-dir", out, "--bootstrap", "20"]).run()
      let report = try SplitReport.readJSON(out + "/split.json")
      let decision = try #require(report.decision)
      #expect(decision.seeds == [7, 8, 9])
      #expect(decision.profiles == 9)
      #expect(decision.split == "stage3.block1" && report.recommendedSplit == "stage3.block1")
      #expect(decision.pValue <= 0.05)
      let h5 = try HDF5File.open(out + "/split.h5")
      let group = try h5.root.openGroup("split").openGroup("decision")
      #expect(try group.openDataset("primary_seed_mean").shape() == [3, one.blocks.count - 1])
      #expect(try group.openDataset("primary_seed_mean").dimensionNames() == ["seed", "body_block"])
      try h5.close()
    }
  }

  /// A probe file with a seed axis whose variables hold random finite values of every
  /// magnitude, written with h5py as a user would: `strata split` decides (no crash, a
  /// p-value in (0, 1]).
  @Test func randomValuesWrittenWithH5py() throws {
    let python = "/usr/bin/python3"
    guard FileManager.default.isExecutableFile(atPath: python) else { return }
    try SplitCommandTests.withDirectory { directory in
      let one = directory + "/one"
      try FileManager.default.createDirectory(atPath: one, withIntermediateDirectories: true)
      let template = try SplitCommandTests.probeFile(in: one)
      let merged = directory + "/probes.h5"
      try ProbeFile.merge([(1, template), (2, template)], into: merged)
      let script = """
        import h5py, numpy as np
        rng = np.random.default_rng(5)
        with h5py.File("\(merged)", "r+") as f:
            for name, d in f.items():
                if isinstance(d, h5py.Dataset) and d.dtype.kind == "f" and d.ndim >= 2:
                    d[...] = rng.standard_normal(d.shape) * 10.0 ** rng.integers(-30, 30, d.shape)
        """
      let process = Process()
      process.executableURL = URL(fileURLWithPath: python)
      process.arguments = ["-c", script]
      try process.run()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      let out = directory + "/analysis"
      try SplitCommandTests.command([merged, "--output-dir", out, "--bootstrap", "20"]).run()
      let decision = try #require(try SplitReport.readJSON(out + "/split.json").decision)
      #expect(decision.seeds == [1, 2])
      #expect(decision.pValue > 0 && decision.pValue <= 1)
      print("random h5py file: split \(decision.split ?? "none"), p = \(decision.pValue), "
            + "best step \(decision.bestStep ?? "none")")
    }
  }
}
