/// One self-contained HTML page: inline CSS and inline SVG, no scripts, no network access, so it
/// opens the same from a laptop, a cluster's file browser or an e-mail attachment.
public struct HTMLDocument: Sendable {
  public var title: String
  private var body: [String] = []

  public init(title: String) { self.title = title }

  public mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
    let anchor = id.map { " id=\"\(SVG.escape($0))\"" } ?? ""
    body.append("<h\(level)\(anchor)>\(SVG.escape(text))</h\(level)>")
  }

  /// A table of contents: links to the sections' anchors.
  public mutating func contents(_ entries: [(title: String, id: String)]) {
    body.append("<nav><h2>Contents</h2><ul>" + entries.map {
      "<li><a href=\"#\(SVG.escape($0.id))\">\(SVG.escape($0.title))</a></li>"
    }.joined() + "</ul></nav>")
  }

  public mutating func paragraph(_ text: String) {
    body.append("<p>\(SVG.escape(text))</p>")
  }

  public mutating func list(_ items: [String]) {
    body.append("<ul>" + items.map { "<li>\(SVG.escape($0))</li>" }.joined() + "</ul>")
  }

  public mutating func table(_ table: Table) { body.append(table.html) }

  /// An SVG chart (already escaped markup from the chart types).
  public mutating func figure(_ svg: String) {
    body.append("<figure>\(svg)</figure>")
  }

  public var html: String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(SVG.escape(title))</title>
    <style>
    body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
           color: #222; line-height: 1.4; }
    h1 { font-size: 1.6em; overflow-wrap: anywhere; }
    p { overflow-wrap: anywhere; }
    .scroll { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
    th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
    th { background: #f3f3f3; }
    td:first-child, th:first-child { text-align: left; }
    td { white-space: nowrap; }
    td.text, th.text { text-align: left; }
    figure { margin: 1em 0; }
    figure svg { max-width: 100%; height: auto; }
    nav ul { columns: 2; }
    /* A phone: charts keep 600 px (text about 9 px) and scroll sideways instead of shrinking
       to half size, where their 11 px labels became unreadable. */
    @media (max-width: 600px) {
      nav ul { columns: 1; } body { margin: 1em auto; }
      figure { overflow-x: auto; }
      figure svg { max-width: none; width: 600px; }
    }
    .verdict { font-size: 1.2em; font-weight: bold; }
    </style>
    </head>
    <body>
    <h1>\(SVG.escape(title))</h1>
    \(body.joined(separator: "\n"))
    </body>
    </html>

    """
  }
}
