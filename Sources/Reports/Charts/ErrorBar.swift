/// A vertical error bar with caps, the interval of a point.
enum ErrorBar {
  static func draw(at x: Double, from low: Double, to high: Double, color: String,
                   into s: inout SVG)
  {
    s.group("g", ["class": "error-bar", "stroke": color, "stroke-width": 1.5]) { g in
      g.element("line", ["x1": x, "x2": x, "y1": low, "y2": high])
      g.element("line", ["x1": x - 4, "x2": x + 4, "y1": low, "y2": low])
      g.element("line", ["x1": x - 4, "x2": x + 4, "y1": high, "y2": high])
    }
  }
}
