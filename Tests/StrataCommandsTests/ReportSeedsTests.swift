import Analysis
import Foundation
import Recording
@testable import Reports
import Testing
@testable import StrataCommands

/// The report of a 3-seed probe file: every probe section shows the mean over seeds with its
/// 95% t interval (error bars, "mean ± half-width", tooltips), never the first seed alone; the
/// per-seed values go to tidy CSVs. The seeds' values differ, so a section that read only the
/// first seed would print other numbers and fail here.
@Suite(.serialized) struct ReportSeedsTests {
  /// A run folder with a 3-seed probe file (rewind and retrain recorded) and its split.json;
  /// returns the seeds' records.
  static func runFolder(_ directory: String) throws -> [ProbeRecord] {
    var files: [(seed: Int, path: String)] = []
    for seed in [11, 12, 13] {
      let path = directory + "/seed-\(seed).h5"
      try InterventionDecisionTests.probeFile(path, seed: seed,
                                              rewindGain: InterventionDecisionTests.deep,
                                              retrainGain: InterventionDecisionTests.deep)
      files.append((seed, path))
    }
    try ProbeFile.merge(files, into: directory + "/probes.h5")
    try SplitCommandTests.command([directory + "/probes.h5", "--bootstrap", "20"]).run()
    try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
    return try ProbeFile.open(directory + "/probes.h5").readSeeds()
  }

  static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  /// "0.1234 ± 0.0056" → (mean, half-width).
  static func interval(_ cell: String) -> (Double, Double)? {
    let parts = cell.components(separatedBy: " ± ")
    guard parts.count == 2, let m = Double(parts[0].replacingOccurrences(of: ",", with: "")),
          let h = Double(parts[1]) else { return nil }
    return (m, h)
  }

  @Test func everyProbeSectionIsTheMeanOverSeeds() throws {
    try SplitCommandTests.withDirectory { directory in
      let records = try Self.runFolder(directory)
      // STRATA_REPORT_SNAPSHOT=DIR keeps the rendered folder, to look at it in a browser.
      if let keep = ProcessInfo.processInfo.environment["STRATA_REPORT_SNAPSHOT"] {
        try? FileManager.default.removeItem(atPath: keep)
        try FileManager.default.copyItem(atPath: directory, toPath: keep)
      }
      let markdown = try Self.text(directory + "/report.md")
      let blocks = records[0].blocks, tasks = records[0].tasks

      // The probes table: mean ± half-width of the three seeds, per (task, block).
      let rows = ReportCommandTests.markdownTable(markdown, header: "task")
      #expect(rows.count == tasks.count * blocks.count)
      var differsFromFirstSeed = false
      for row in rows {
        let t = try #require(tasks.firstIndex(of: Int(row[0])!))
        let b = try #require(blocks.firstIndex(of: row[1]))
        let expected = MeanInterval(records.map { $0.ckaOld[t][b] })
        let (mean, half) = try #require(Self.interval(row[6]), "cka_old cell \(row[6])")
        #expect(abs(mean - expected.mean) <= 5.0001e-4 * abs(expected.mean), "\(row)")
        #expect(abs(half - (expected.high - expected.low) / 2) <= 0.051 * (expected.high - expected.low) / 2 + 1e-12)
        if abs(records[0].ckaOld[t][b] - expected.mean) > 1e-3 { differsFromFirstSeed = true }
      }
      #expect(differsFromFirstSeed, "the seeds do not differ: the test would not see one seed")
      // The tidy per-seed CSV: a seed column, one row per (seed, task, block).
      let csv = try Self.text(directory + "/tables/probes.csv").components(separatedBy: "\r\n")
        .filter { !$0.isEmpty }
      #expect(csv[0].hasPrefix("seed,task,block,"))
      #expect(csv.count - 1 == 3 * tasks.count * blocks.count)
      #expect(FileManager.default.fileExists(atPath: directory + "/tables/probes_seed_mean.csv"))

      // Block charts: error bars, the mean in the tooltip, the seeds in the title.
      let b7 = 7, t0 = 0
      for (chart, values) in [("one_minus_cka_old", records.map { 1 - $0.ckaOld[t0][b7] }),
                              ("param_shift", records.map { $0.shift[t0][b7] })] {
        let svg = try Self.text(directory + "/charts/\(chart).svg")
        #expect(svg.contains("mean over 3 seeds, 95% interval"), "\(chart)")
        #expect(svg.contains("class=\"error-bar\""), "\(chart): no error bars")
        let mean = MeanInterval(values).mean
        #expect(svg.contains("task \(tasks[t0]), \(blocks[b7]): \(BlockProfileChart.format(mean)) (95% interval"),
                "\(chart): no mean over seeds for \(blocks[b7])")
      }
      // The CKA map: the mean, its interval in the tooltip.
      let heatmap = try Self.text(directory + "/charts/cka_old.svg")
      let cka = MeanInterval(records.map { $0.ckaOld[t0][b7] })
      #expect(heatmap.contains("\(blocks[b7]): " + String(format: "%.4f", cka.mean)
                               + " (95% interval"))
      // Trends and the probe run's accuracy: points with error bars.
      for chart in ["trend_param_shift", "trend_one_minus_cka_old", "probe_accuracy"] {
        let svg = try Self.text(directory + "/charts/\(chart).svg")
        #expect(svg.contains("class=\"error-bar\"") && svg.contains("mean over 3 seeds"), "\(chart)")
      }
      let accuracy = MeanInterval(records.map { 100 * $0.accuracy[0][0] })
      #expect(try Self.text(directory + "/charts/probe_accuracy.svg")
        .contains("task 0 classes: 1, " + BlockProfileChart.format(accuracy.mean)))

      // The rewind curve: mean ± half-width table, error bars, tidy CSV with every seed.
      let rewind = ReportCommandTests.markdownTable(markdown, header: "task | split")
      let splits = try #require(records[0].rewind).splits
      #expect(rewind.count == tasks.count * splits.count)
      #expect(rewind.allSatisfy { $0[3].contains(" ± ") })
      let rewindCSV = try Self.text(directory + "/tables/rewind.csv")
      #expect(rewindCSV.hasPrefix("seed,task,split,"))
      #expect(try Self.text(directory + "/charts/rewind.svg").contains("class=\"error-bar\""))

      // The block table's primary column and the caveats name every seed.
      let blockRows = ReportCommandTests.markdownTable(markdown, header: "block | parameters")
      #expect(blockRows.count == blocks.count && blockRows.allSatisfy { $0.last!.contains(" ± ") })
      #expect(markdown.contains("Probe run seeds 11, 12, 13"))
      #expect(markdown.contains("computed on the first seed (11) only"))
      #expect(markdown.contains("Spearman table below are the legacy min–max score's, computed on "
                                + "the first seed (11) only"))
      #expect(try Self.text(directory + "/charts/score.svg").contains("seed 11 only, decides nothing"))
    }
  }

  /// One seed: the titles say so, and nothing draws an interval.
  @Test func oneSeedSaysSoAndDrawsNoInterval() throws {
    try SplitCommandTests.withDirectory { directory in
      let path = directory + "/probes.h5"
      try InterventionDecisionTests.probeFile(path, seed: 11,
                                              rewindGain: InterventionDecisionTests.deep,
                                              retrainGain: InterventionDecisionTests.deep)
      try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
      for chart in ["grad_norm", "param_shift", "one_minus_cka_old", "cka_old",
                    "trend_param_shift", "probe_accuracy", "rewind", "retrain"] {
        let svg = try Self.text(directory + "/charts/\(chart).svg")
        #expect(svg.contains("one seed (11), no interval"), "\(chart)")
        #expect(!svg.contains("error-bar"), "\(chart) draws an interval with one seed")
      }
      let markdown = try Self.text(directory + "/report.md")
      #expect(!markdown.contains(" ± "))
      #expect(try Self.text(directory + "/tables/probes.csv").hasPrefix("task,block,"))
    }
  }
}
