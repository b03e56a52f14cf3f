/// Points over a numeric x axis (accuracy against memory, accuracy after each task), one series
/// per method or candidate, optionally joined by lines.
public struct XYChart: Sendable {
  public struct Point: Sendable {
    public var x: Double
    public var y: Double
    /// Tooltip text beyond the coordinates.
    public var label: String
    /// An error bar from `yLow` to `yHigh` (a confidence interval), drawn when both are finite.
    public var yLow: Double
    public var yHigh: Double
    public init(x: Double, y: Double, label: String = "", yLow: Double = .nan, yHigh: Double = .nan) {
      self.x = x
      self.y = y
      self.label = label
      self.yLow = yLow
      self.yHigh = yHigh
    }
  }

  public struct Series: Sendable {
    public var name: String
    public var points: [Point]
    public var connected: Bool
    public init(name: String, points: [Point], connected: Bool = true) {
      self.name = name
      self.points = points
      self.connected = connected
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var yIncluding: [Double]

  public init(title: String, xLabel: String, yLabel: String, series: [Series],
              yIncluding: [Double] = [0])
  {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yIncluding = yIncluding
  }

  public var svg: String {
    let frame = ChartFrame()
    let all = series.flatMap(\.points)
    let x = LinearScale(values: all.map(\.x), range: frame.plotX.lowerBound + 10...frame.plotX.upperBound - 10)
    let bars = all.flatMap { [$0.yLow, $0.yHigh] }.filter(\.isFinite)
    let y = LinearScale(values: all.map(\.y) + bars, including: yIncluding, range: frame.plotY,
                        flipped: true)
    return frame.svg(title: title) { s in
      frame.drawYAxis(y, label: yLabel, into: &s)
      frame.drawXAxis(x, label: xLabel, into: &s)
      for (i, line) in series.enumerated() {
        let color = Palette.color(i)
        let finite = line.points.filter { $0.x.isFinite && $0.y.isFinite }
        if line.connected && finite.count > 1 {
          let d = finite.enumerated().map { "\($0 == 0 ? "M" : "L")\(SVG.format(x($1.x))) \(SVG.format(y($1.y)))" }
          s.element("path", ["d": d.joined(separator: " "), "fill": "none", "stroke": color,
                             "stroke-width": 2])
        }
        for p in finite where p.yLow.isFinite && p.yHigh.isFinite {
          s.element("path", ["d": "M\(SVG.format(x(p.x))) \(SVG.format(y(p.yLow))) "
                               + "L\(SVG.format(x(p.x))) \(SVG.format(y(p.yHigh)))",
                             "stroke": color, "stroke-width": 1.5])
        }
        for p in finite {
          s.group("circle", ["cx": x(p.x), "cy": y(p.y), "r": 4, "fill": color]) {
            $0.title("\(line.name)\(p.label.isEmpty ? "" : " (\(p.label))"): "
              + "\(BlockProfileChart.format(p.x)), \(BlockProfileChart.format(p.y))")
          }
        }
      }
      frame.drawLegend(series.enumerated().map { ($1.name, Palette.color($0)) }, into: &s)
    }
  }
}
