/// One self-contained HTML page: inline CSS and inline SVG, no scripts, no network access, so it
/// opens the same from a laptop, a cluster's file browser or an e-mail attachment.
public struct HTMLDocument: Sendable {
  public var title: String
  private var body: [String] = []

  public init(title: String) { self.title = title }

  public mutating func heading(_ text: String, level: Int = 2) {
    body.append("<h\(level)>\(SVG.escape(text))</h\(level)>")
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
    <title>\(SVG.escape(title))</title>
    <style>
    body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }
    table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
    th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
    th { background: #f3f3f3; }
    td:first-child, th:first-child { text-align: left; }
    figure { margin: 1em 0; }
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
