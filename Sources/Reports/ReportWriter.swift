import Foundation
import Recording

/// Writes a report folder: `report.html` (self-contained), `report.md` with its charts as
/// `charts/*.svg`, and every table as `tables/*.csv`. Each file is written to `<name>.partial`
/// and renamed, so a reader never sees half a report file.
public enum ReportWriter {
  /// Writes into `directory` (created if needed); returns the files written.
  @discardableResult
  public static func write(_ report: RunReport, to directory: String) throws -> [String] {
    try write(ReportContent(report), to: directory)
  }

  /// Writes `content` (a run's report, or another page such as the accuracy–memory curve's).
  @discardableResult
  static func write(_ content: ReportContent, to directory: String) throws -> [String] {
    let manager = FileManager.default
    for folder in [directory, directory + "/charts", directory + "/tables"] {
      do {
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw ReportError(path: folder, message: "cannot create the folder: "
                          + (systemReason(error) ?? error.localizedDescription))
      }
    }
    var written: [String] = []
    func save(_ text: String, _ path: String) throws {
      do {
        try writeAtomically(Data(text.utf8), to: path)
      } catch let error as RecordingError {
        throw ReportError(path: path, message: error.message)
      }
      written.append(path)
    }

    var html = HTMLDocument(title: content.title)
    var markdown = "# \(content.title)\n"
    for (index, section) in content.sections.enumerated() {
      html.heading(section.title, id: section.id)
      markdown += "\n## \(section.title)\n\n"
      for line in section.text {
        html.paragraph(line)
        markdown += line + "\n\n"
      }
      for (name, svg) in section.charts {
        html.figure(svg)
        try save(svg, "\(directory)/charts/\(name).svg")
        markdown += "![\(name)](charts/\(name).svg)\n\n"
      }
      for (name, table) in section.tables {
        html.table(table)
        try save(table.csv, "\(directory)/tables/\(name).csv")
        markdown += table.markdown + "\n"
      }
      for (name, table) in section.dataTables {
        try save(table.csv, "\(directory)/tables/\(name).csv")
      }
      // The contents follow the conclusion, so the page opens with what the run found.
      if index == 0 {
        let rest = content.sections.dropFirst()
        html.contents(rest.map { ($0.title, $0.id) })
        markdown += "\n## Contents\n\n"
          + rest.map { "- [\($0.title)](#\($0.id))" }.joined(separator: "\n") + "\n"
      }
    }
    try save(html.html, directory + "/report.html")
    try save(markdown, directory + "/report.md")
    return written
  }
}

/// A report failure, naming the file.
public struct ReportError: Error, CustomStringConvertible {
  public let path: String
  public let message: String
  public var description: String { "\(path): \(message)" }
}
