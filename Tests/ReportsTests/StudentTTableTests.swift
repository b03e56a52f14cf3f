import Analysis
import Foundation
import Testing

/// The notebooks' t quantiles (notebooks-export/plot_verify.py: a 3-decimal table for 1…30
/// degrees of freedom, an expansion in 1/df beyond) against Strata's `StudentT`, which the
/// report's intervals use: the Python error bars and the report's must be the same width.
@Suite struct StudentTTableTests {
  static let script = QuickstartReportTests.repository
    .appendingPathComponent("notebooks-export/plot_verify.py").path

  /// The table as written in the script (no Python needed).
  @Test func theTableIsStudentsT() throws {
    let source = try String(contentsOfFile: Self.script, encoding: .utf8)
    let start = try #require(source.range(of: "T975 = [")).upperBound
    let end = try #require(source[start...].firstIndex(of: "]"))
    let table = source[start..<end].split(separator: ",").compactMap {
      Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    #expect(table.count == 30)
    for (i, t) in table.enumerated() {
      let exact = StudentT.critical(confidence: 0.95, degreesOfFreedom: Double(i + 1))
      // Three decimals: within half a unit of the last one.
      #expect(abs(t - exact) <= 0.0005 + 1e-12, "df \(i + 1): table \(t), StudentT \(exact)")
    }
  }

  /// The script's `t975(df)` as Python computes it, table and expansion, for df 1…200.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
  func thePythonQuantilesAgree() throws {
    // Only the table and the function: the script's imports (xarray, matplotlib) are not needed.
    let code = """
      src = open("\(Self.script)").read()
      exec(src[src.index("T975 = ["):src.index("def mean_interval")])
      print(" ".join(repr(t975(df)) for df in range(1, 201)))
      """
    let (status, output) = try NotebookTests.run("/usr/bin/python3", ["-c", code])
    #expect(status == 0, "\(output)")
    let values = output.split(separator: " ").compactMap {
      Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    #expect(values.count == 200, "\(output)")
    for (i, t) in values.enumerated() {
      let exact = StudentT.critical(confidence: 0.95, degreesOfFreedom: Double(i + 1))
      #expect(abs(t - exact) <= 0.0005 + 1e-12, "df \(i + 1): Python \(t), StudentT \(exact)")
    }
  }
}
