import Foundation
import Recording
import Testing
@testable import StrataCommands

/// `strata report` on a probe file with the retrain probe: its curve and table next to the
/// rewind ones; a file without it says so.
@Suite(.serialized) struct ReportRetrainTests {
  @Test func theRetrainCurveFollowsTheRewindCurve() throws {
    try SplitCommandTests.withDirectory { directory in
      let path = try ReportRewindTests.probeFile(directory, retrain: true)
      try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
      let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
      #expect(markdown.contains("Rewind and retrain probes"))
      let retrain = try #require(try ProbeFile.open(path).read().retrain)
      let splits = ReportRewindTests.splits
      let rows = ReportCommandTests.markdownTable(
        markdown, header: "task | split | retrain_old_accuracy (%)")
      #expect(rows.count == 2 * splits.count)
      for row in rows {
        let (t, k) = (Int(row[0])! - 1, try #require(splits.firstIndex(of: row[1])))
        #expect(ReportCommandTests.samePercent(row[2], retrain.oldAccuracy[t][k]), "\(row)")
        #expect(ReportCommandTests.samePercent(row[3], retrain.newAccuracy[t][k]), "\(row)")
      }
      let rewind = try #require(markdown.range(of: "| rewind_old_accuracy (%) |"))
      let retrained = try #require(markdown.range(of: "| retrain_old_accuracy (%) |"))
      #expect(rewind.lowerBound < retrained.lowerBound)
      let svg = try String(contentsOfFile: directory + "/charts/retrain.svg", encoding: .utf8)
      #expect(svg.contains("old classes") && svg.contains("new classes") && svg.contains(">none<"))
    }
  }

  @Test func aFileWithoutTheProbeSaysSo() throws {
    try SplitCommandTests.withDirectory { directory in
      _ = try ReportRewindTests.probeFile(directory)
      try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
      let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
      #expect(markdown.contains("Retrain curve: not recorded in this run"))
      #expect(!FileManager.default.fileExists(atPath: directory + "/charts/retrain.svg"))
    }
  }
}
