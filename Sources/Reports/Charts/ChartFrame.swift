/// The common frame of a chart: size, margins, title, axes with ticks and grid lines, legend.
/// Charts draw their marks inside `plot` after `drawAxes`.
struct ChartFrame {
  var width = 720.0
  var height = 280.0
  var left = 64.0, right = 150.0, top = 34.0, bottom = 62.0

  var plotX: ClosedRange<Double> { left...(width - right) }
  var plotY: ClosedRange<Double> { top...(height - bottom) }

  /// Opens the `<svg>` with a title (for tooltips, screen readers and tests) and runs `body`.
  func svg(title: String, body: (inout SVG) -> Void) -> String {
    var svg = SVG()
    svg.group("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": width, "height": height,
                      "viewBox": "0 0 \(Int(width)) \(Int(height))", "role": "img",
                      "font-family": "sans-serif", "font-size": 11]) { s in
      s.title(title)
      s.element("rect", ["width": width, "height": height, "fill": "white"])
      // A title longer than the chart is set smaller (down to 9 px) rather than cut off at the
      // edge; 7.3 px is the mean advance of a bold 13 px sans-serif character.
      let available = width - left - 8, estimate = 7.3 * Double(title.count)
      let size = estimate > available ? max(9, 13 * available / estimate) : 13
      s.element("text", ["x": left, "y": 20, "font-size": SVG.format(size), "font-weight": "bold"],
                text: title)
      body(&s)
    }
    return svg.markup
  }

  /// Horizontal grid lines and labels of `y` between `left` and `right` (the plot's edges by
  /// default), and the y-axis title when there is one.
  func drawYAxis(_ y: LinearScale, label: String?, left: Double? = nil, right: Double? = nil,
                 into s: inout SVG)
  {
    let left = left ?? self.left, right = right ?? plotX.upperBound
    for tick in y.ticks {
      let py = y(tick)
      s.element("line", ["x1": left, "x2": right, "y1": py, "y2": py, "stroke": "#e3e3e3"])
      s.element("text", ["x": left - 6, "y": py + 4, "text-anchor": "end", "fill": "#444"],
                text: y.label(tick))
    }
    if let label {
      let mid = (plotY.lowerBound + plotY.upperBound) / 2
      s.element("text", ["x": 14, "y": mid, "text-anchor": "middle",
                         "transform": "rotate(-90 14 \(Int(mid)))", "fill": "#222"], text: label)
    }
    s.element("line", ["x1": left, "x2": left, "y1": plotY.lowerBound, "y2": plotY.upperBound,
                       "stroke": "#888"])
  }

  /// Room under the plot for slanted category names and, below them, the axis title.
  mutating func makeRoomForCategories() {
    height += 16
    bottom += 16
  }

  /// Labels under categorical x positions, slanted so long block names fit.
  func drawCategories(_ names: [String], at x: (Int) -> Double, label: String,
                      into s: inout SVG)
  {
    let base = plotY.upperBound
    s.element("line", ["x1": left, "x2": plotX.upperBound, "y1": base, "y2": base,
                       "stroke": "#888"])
    for (i, name) in names.enumerated() {
      let px = x(i)
      s.element("text", ["x": px, "y": base + 14, "text-anchor": "end", "fill": "#444",
                         "transform": "rotate(-30 \(Int(px)) \(Int(base + 14)))"], text: name)
    }
    s.element("text", ["x": (plotX.lowerBound + plotX.upperBound) / 2, "y": height - 4,
                       "text-anchor": "middle", "fill": "#222"], text: label)
  }

  /// Numeric x ticks and the x-axis title.
  func drawXAxis(_ x: LinearScale, label: String, into s: inout SVG) {
    let base = plotY.upperBound
    s.element("line", ["x1": left, "x2": plotX.upperBound, "y1": base, "y2": base,
                       "stroke": "#888"])
    for tick in x.ticks {
      s.element("text", ["x": x(tick), "y": base + 16, "text-anchor": "middle", "fill": "#444"],
                text: x.label(tick))
    }
    s.element("text", ["x": (plotX.lowerBound + plotX.upperBound) / 2, "y": height - 8,
                       "text-anchor": "middle", "fill": "#222"], text: label)
  }

  /// One swatch and name per series at the right of the plot.
  func drawLegend(_ entries: [(name: String, color: String)], into s: inout SVG) {
    for (i, entry) in entries.enumerated() {
      let y = top + 8 + Double(i) * 18
      s.element("rect", ["x": plotX.upperBound + 14, "y": y - 8, "width": 12, "height": 12,
                         "fill": entry.color])
      s.element("text", ["x": plotX.upperBound + 32, "y": y + 2, "fill": "#222"],
                text: entry.name)
    }
  }
}

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
public enum Palette {
  public static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                              "#000000", "#F0E442"]
  public static func color(_ i: Int) -> String { colors[i % colors.count] }
}
