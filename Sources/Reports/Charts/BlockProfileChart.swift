/// Values per block in forward order (one line per metric or task), with the split marked
/// between the last shared and the first specialized block. NaN values leave a gap.
public struct BlockProfileChart: Sendable {
  public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    public init(name: String, values: [Double]) {
      self.name = name
      self.values = values
    }
  }

  public var title: String
  public var yLabel: String
  public var blocks: [String]
  public var series: [Series]
  /// The first specialized block; nil draws no marker.
  public var split: String?
  /// Values the y axis must include (0, or 1 for similarities).
  public var yIncluding: [Double] = [0]

  public init(title: String, yLabel: String, blocks: [String], series: [Series],
              split: String? = nil, yIncluding: [Double] = [0])
  {
    self.title = title
    self.yLabel = yLabel
    self.blocks = blocks
    self.series = series
    self.split = split
    self.yIncluding = yIncluding
  }

  public var svg: String {
    let frame = ChartFrame()
    let y = LinearScale(values: series.flatMap(\.values), including: yIncluding,
                        range: frame.plotY, flipped: true)
    let step = (frame.plotX.upperBound - frame.plotX.lowerBound) / Double(max(blocks.count, 1))
    let x = { (i: Int) in frame.plotX.lowerBound + step * (Double(i) + 0.5) }
    return frame.svg(title: title) { s in
      frame.drawYAxis(y, label: yLabel, into: &s)
      frame.drawCategories(blocks, at: x, label: "block", into: &s)
      if let split, let k = blocks.firstIndex(of: split) {
        let px = x(k) - step / 2
        s.group("line", ["x1": px, "x2": px, "y1": frame.plotY.lowerBound,
                         "y2": frame.plotY.upperBound, "stroke": "#555",
                         "stroke-dasharray": "5 4", "class": "split"]) { $0.title("split: \(split)") }
        s.element("text", ["x": px + 4, "y": frame.plotY.lowerBound + 10, "fill": "#555"],
                  text: "split")
      }
      for (i, line) in series.enumerated() {
        let color = Palette.color(i)
        // Consecutive finite points form one path; a NaN breaks it.
        var path = "", pen = false
        for (b, v) in line.values.enumerated() where b < blocks.count {
          guard v.isFinite else { pen = false; continue }
          path += "\(pen ? "L" : "M")\(SVG.format(x(b))) \(SVG.format(y(v))) "
          pen = true
        }
        s.element("path", ["d": path, "fill": "none", "stroke": color, "stroke-width": 2])
        for (b, v) in line.values.enumerated() where b < blocks.count && v.isFinite {
          s.group("circle", ["cx": x(b), "cy": y(v), "r": 3.5, "fill": color]) {
            $0.title("\(line.name), \(blocks[b]): \(Self.format(v))")
          }
        }
      }
      frame.drawLegend(series.enumerated().map { ($1.name, Palette.color($0)) }, into: &s)
    }
  }

  static func format(_ v: Double) -> String { String(format: "%.4g", v) }
}
