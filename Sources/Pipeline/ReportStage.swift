import Foundation
import Reports

/// The report stage: reads a run folder (probes.h5, and split.json and verify.h5 when present)
/// and writes report.html, report.md, charts/*.svg and tables/*.csv into `output`.
public enum ReportStage {
  /// The files written.
  @discardableResult
  public static func run(directory: String, output: String) throws -> [String] {
    try ReportWriter.write(try RunReport(directory: directory), to: output)
  }
}
