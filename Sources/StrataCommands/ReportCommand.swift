import ArgumentParser
import Foundation
import Pipeline

/// `strata report RUN_DIR`: the layer-sensitivity report of a run folder.
public struct ReportCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the layer-sensitivity report of a run folder (HTML, Markdown, CSV).",
    discussion: """
      RUN_DIR holds probes.h5 (from strata probe) and, when they exist, split.json (strata \
      split) and verify.h5 (strata verify). The report shows the blocks (parameters, \
      multiply-accumulates, shared or specialized under the recommendation), aligned \
      per-block panels of gradient norm, parameter shift and 1 − CKA with the split marked, \
      CKA heatmaps on a fixed 0–1 scale, per-task trends, the candidate splits with the \
      agreement of the metrics, the verification (accuracy against memory, accuracy after each \
      task, the verdict) and the caveats. It only presents what the files hold.

      Writes report.html (one self-contained file: inline SVG, no scripts, no network), \
      report.md with charts/*.svg, and tables/*.csv (RFC 4180, for pandas or a spreadsheet) \
      to --output-dir (default RUN_DIR).

      Example:
        strata report runs/quickstart && xdg-open runs/quickstart/report.html
      """)

  @Argument(help: "The run folder.")
  public var runDirectory: String

  @Option(name: .customLong("output-dir"), help: ArgumentHelp("Where to write (default: RUN_DIR).",
                                                              valueName: "DIR"))
  public var outputDirectory: String?

  public init() {}

  public func run() throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isFolder),
       !isFolder.boolValue
    {
      throw FileRefusal("\(runDirectory): a file, not a run folder; strata report takes the "
                        + "folder strata run (or probe, split and verify) wrote into")
    }
    let directory = outputDirectory ?? runDirectory
    try OutputFolder.check(directory)
    let files = try ReportStage.run(directory: runDirectory, output: directory)
    print(Self.summary(directory, files))
  }

  /// The line that names what a report stage wrote (also `strata run`'s).
  static func summary(_ directory: String, _ files: [String]) -> String {
    "wrote \(directory)/report.html, report.md, \(files.filter { $0.hasSuffix(".svg") }.count) "
      + "charts and \(files.filter { $0.hasSuffix(".csv") }.count) tables"
  }
}
