import Foundation

/// A table as a report shows it. Each cell carries two texts: what a person reads in the HTML
/// and Markdown (thousands separators, a few significant digits, percent) and what the CSV holds
/// for pandas (full precision, the file's units, an empty field when missing). Each column has a
/// title for people and a CSV name, the HDF5 variable's name where there is one, so the three
/// outputs hold the same numbers and never disagree.
public struct Table: Sendable, Equatable {
  public struct Column: Sendable, Equatable {
    /// The header in HTML and Markdown.
    public var title: String
    /// The header in the CSV: snake_case, the HDF5 variable name where one exists.
    public var name: String
    public init(_ title: String, name: String? = nil) {
      self.title = title
      self.name = name ?? title
    }
  }

  public struct Cell: Sendable, Equatable {
    public var display: String
    public var data: String
    public init(display: String, data: String) {
      self.display = display
      self.data = data
    }

    public static func text(_ s: String) -> Cell { Cell(display: s, data: s) }
    /// A missing value: "—" for people, an empty CSV field.
    public static let missing = Cell(display: "—", data: "")
    public static func integer(_ n: Int) -> Cell {
      Cell(display: NumberFormat.grouped(n), data: String(n))
    }
    public static func integer(_ n: Int?) -> Cell { n.map(integer) ?? .missing }
    /// A measured value shown with `significant` digits and kept whole in the CSV.
    public static func number(_ v: Double?, significant: Int = 4) -> Cell {
      guard let v, v.isFinite else { return .missing }
      return Cell(display: NumberFormat.significant(v, significant), data: NumberFormat.full(v))
    }
    /// A fraction shown as a percentage with two decimals, kept as the fraction in the CSV.
    public static func percent(_ v: Double?) -> Cell {
      guard let v, v.isFinite else { return .missing }
      return Cell(display: NumberFormat.percent(v), data: NumberFormat.full(v))
    }
  }

  public var columns: [Column]
  public var rows: [[Cell]]

  public init(columns: [Column], rows: [[Cell]]) {
    precondition(rows.allSatisfy { $0.count == columns.count },
                 "every row needs \(columns.count) cells")
    self.columns = columns
    self.rows = rows
  }

  /// A table of plain text cells, shown and exported alike.
  public init(columns: [String], rows: [[String]]) {
    self.init(columns: columns.map { Column($0) }, rows: rows.map { $0.map(Cell.text) })
  }

  /// GitHub-flavoured Markdown; `|` in a cell is escaped.
  public var markdown: String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }
        .joined(separator: " | ") + " |"
    }
    return ([line(columns.map(\.title)), "|" + String(repeating: "---|", count: columns.count)]
      + rows.map { line($0.map(\.display)) }).joined(separator: "\n") + "\n"
  }

  /// RFC 4180 CSV: a cell with a comma, quote or line break is quoted, quotes doubled.
  public var csv: String {
    func cell(_ text: String) -> String {
      text.contains(where: { ",\"\n\r".contains($0) })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return ([columns.map(\.name)] + rows.map { $0.map(\.data) })
      .map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  public var html: String {
    // Columns of words (block names, roles) align left, numbers right.
    let text = columns.indices.map { c in rows.contains { !Self.isNumeric($0[c].display) } }
    func cell(_ tag: String, _ c: Int, _ content: String, into r: inout SVG) {
      if text[c] { r.element(tag, ["class": "text"], text: content) } else { r.element(tag, text: content) }
    }
    var svg = SVG()
    svg.group("div", ["class": "scroll"]) { d in
      d.group("table") { t in
        t.group("thead") { h in
          h.group("tr") { r in
            for (c, column) in columns.enumerated() { cell("th", c, column.title, into: &r) }
          }
        }
        t.group("tbody") { b in
          for row in rows {
            b.group("tr") { r in
              for (c, value) in row.enumerated() { cell("td", c, value.display, into: &r) }
            }
          }
        }
      }
    }
    return svg.markup
  }

  /// A number as the report prints one: grouped digits, a sign, a percent, "mean ± half-width",
  /// or "—" for a missing value.
  static func isNumeric(_ display: String) -> Bool {
    if display == "—" || display.isEmpty { return true }
    return display.components(separatedBy: " ± ").allSatisfy {
      Double($0.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "−", with: "-")
        .trimmingCharacters(in: CharacterSet(charactersIn: "%"))) != nil
    }
  }
}
