/// A table as a report shows it: a header and rows of already formatted cells. The same value
/// renders as Markdown, HTML and CSV, so the three outputs never disagree.
public struct Table: Sendable, Equatable {
  public var columns: [String]
  public var rows: [[String]]

  public init(columns: [String], rows: [[String]]) {
    precondition(rows.allSatisfy { $0.count == columns.count },
                 "every row needs \(columns.count) cells")
    self.columns = columns
    self.rows = rows
  }

  /// GitHub-flavoured Markdown; `|` in a cell is escaped.
  public var markdown: String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }
        .joined(separator: " | ") + " |"
    }
    return ([line(columns), "|" + String(repeating: "---|", count: columns.count)]
      + rows.map(line)).joined(separator: "\n") + "\n"
  }

  /// RFC 4180 CSV: a cell with a comma, quote or line break is quoted, quotes doubled.
  public var csv: String {
    func cell(_ text: String) -> String {
      text.contains(where: { ",\"\n\r".contains($0) })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return ([columns] + rows).map { $0.map(cell).joined(separator: ",") }
      .joined(separator: "\r\n") + "\r\n"
  }

  public var html: String {
    var svg = SVG()
    svg.group("table") { t in
      t.group("thead") { h in
        h.group("tr") { r in for c in columns { r.element("th", text: c) } }
      }
      t.group("tbody") { b in
        for row in rows { b.group("tr") { r in for c in row { r.element("td", text: c) } } }
      }
    }
    return svg.markup
  }
}
