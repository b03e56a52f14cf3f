import Foundation
import Testing
@testable import StrataCommands

/// `strata report` checks split.json's recommended_split against the run's architecture, as
/// `strata verify` does (issue 24, case 6): a block the architecture lacks is refused, naming
/// split.json and the key, where the report used to print it with rc 0.
@Suite(.serialized) struct ReportSplitCheckTests {
  @Test func aRecommendedSplitTheArchitectureLacksIsRefused() throws {
    try SplitCommandTests.withDirectory { directory in
      _ = try ReportCommandTests.runFolder(directory)
      let split = directory + "/split.json"
      let text = try String(contentsOfFile: split, encoding: .utf8)
      #expect(text.contains("\"stage2.block1\""))
      // A split.json of another architecture: its blocks and candidates are consistent, and it
      // recommends one of them (tiny28's own profile gives no clear split).
      var json = try #require(try JSONSerialization.jsonObject(with: Data(
        text.replacingOccurrences(of: "\"stage2.block1\"", with: "\"stage9.block1\"").utf8))
        as? [String: Any])
      json["recommended_split"] = "stage9.block1"
      try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted])
        .write(to: URL(fileURLWithPath: split))
      let report = directory + "/report.md"
      try FileManager.default.removeItem(atPath: report)
      do {
        try (try Strata.parseAsRoot(["report", directory]) as! ReportCommand).run()
        Issue.record("the report accepted a split of another architecture")
      } catch {
        #expect("\(error)".contains(split) && "\(error)".contains("recommended_split")
                && "\(error)".contains("stage9.block1"), "\(error)")
      }
      #expect(!FileManager.default.fileExists(atPath: report))
    }
  }
}
