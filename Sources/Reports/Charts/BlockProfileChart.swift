import Analysis

/// Values per block in forward order (one line per metric or task), with the split marked
/// between the last shared and the first specialized block. NaN values leave a gap. Blocks in
/// `ownScale` (the head, whose values live on another scale than the body's) are drawn in a
/// panel of their own at the right, with their own axis, so they do not flatten the body.
/// A series may carry an interval per block (the 95% interval of a mean over seeds), drawn as
/// error bars.
public struct BlockProfileChart: Sendable {
  public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    /// Per block, the interval's bounds (NaN or absent: no bar).
    public var low: [Double]?
    public var high: [Double]?
    public init(name: String, values: [Double], low: [Double]? = nil, high: [Double]? = nil) {
      precondition(low?.count ?? values.count == values.count
                   && high?.count ?? values.count == values.count,
                   "an interval bound per value")
      self.name = name
      self.values = values
      self.low = low
      self.high = high
    }

    /// Per block, the mean of `intervals` and its interval.
    public init(name: String, intervals: [MeanInterval]) {
      self.init(name: name, values: intervals.map(\.mean), low: intervals.map(\.low),
                high: intervals.map(\.high))
    }

    /// The interval at block `b`, when both bounds are finite.
    func interval(_ b: Int) -> (low: Double, high: Double)? {
      guard let low, let high, b < low.count, low[b].isFinite, high[b].isFinite else { return nil }
      return (low[b], high[b])
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
  /// Blocks drawn in the side panel on their own y scale.
  public var ownScale: [String] = []

  public init(title: String, yLabel: String, blocks: [String], series: [Series],
              split: String? = nil, yIncluding: [Double] = [0], ownScale: [String] = [])
  {
    self.ownScale = ownScale
    self.title = title
    self.yLabel = yLabel
    self.blocks = blocks
    self.series = series
    self.split = split
    self.yIncluding = yIncluding
  }

  public var svg: String {
    var frame = ChartFrame()
    frame.makeRoomForCategories()
    let main = blocks.indices.filter { !ownScale.contains(blocks[$0]) }
    let side = blocks.indices.filter { ownScale.contains(blocks[$0]) }
    // The side panel takes 70 px at the right of the plot, after a gap for its tick labels.
    let sideWidth = side.isEmpty ? 0.0 : 70.0, gap = side.isEmpty ? 0.0 : 52.0
    let mainRight = frame.plotX.upperBound - sideWidth - gap
    func values(_ indices: [Int]) -> [Double] {
      series.flatMap { line in
        indices.flatMap { b -> [Double] in
          guard b < line.values.count else { return [] }
          return [line.values[b]] + (line.interval(b).map { [$0.low, $0.high] } ?? [])
        }
      }
    }
    let y = LinearScale(values: values(main), including: yIncluding, range: frame.plotY,
                        flipped: true)
    let ySide = LinearScale(values: values(side), including: yIncluding, range: frame.plotY,
                            flipped: true)
    let step = (mainRight - frame.plotX.lowerBound) / Double(max(main.count, 1))
    let sideStep = sideWidth / Double(max(side.count, 1))
    var position: [Int: Double] = [:]
    for (i, b) in main.enumerated() { position[b] = frame.plotX.lowerBound + step * (Double(i) + 0.5) }
    for (i, b) in side.enumerated() {
      position[b] = frame.plotX.upperBound - sideWidth + sideStep * (Double(i) + 0.5)
    }
    let x = { (b: Int) in position[b] ?? 0 }
    let scale = { (b: Int) in side.contains(b) ? ySide : y }
    return frame.svg(title: title) { s in
      frame.drawYAxis(y, label: yLabel, right: mainRight, into: &s)
      if !side.isEmpty {
        let left = frame.plotX.upperBound - sideWidth
        frame.drawYAxis(ySide, label: nil, left: left, right: frame.plotX.upperBound, into: &s)
        s.group("g", ["class": "own-scale"]) { g in
          g.title("own scale: \(side.map { blocks[$0] }.joined(separator: ", "))")
          g.element("rect", ["x": left, "y": frame.plotY.lowerBound, "width": sideWidth,
                             "height": frame.plotY.upperBound - frame.plotY.lowerBound,
                             "fill": "none", "stroke": "#bbb"])
          g.element("text", ["x": left + sideWidth / 2, "y": frame.plotY.lowerBound - 4,
                             "text-anchor": "middle", "fill": "#555"], text: "own scale")
        }
      }
      frame.drawCategories(blocks, at: x, label: "block", into: &s)
      if let split, let k = blocks.firstIndex(of: split), main.contains(k) {
        let px = x(k) - step / 2
        s.group("line", ["x1": px, "x2": px, "y1": frame.plotY.lowerBound,
                         "y2": frame.plotY.upperBound, "stroke": "#555",
                         "stroke-dasharray": "5 4", "class": "split"]) { $0.title("split: \(split)") }
        s.element("text", ["x": px + 4, "y": frame.plotY.lowerBound + 10, "fill": "#555"],
                  text: "split")
      }
      for (i, line) in series.enumerated() {
        let color = Palette.color(i)
        // Consecutive finite points of the main panel form one path; a NaN breaks it.
        var path = "", pen = false
        for b in main where b < line.values.count {
          let v = line.values[b]
          guard v.isFinite else { pen = false; continue }
          path += "\(pen ? "L" : "M")\(SVG.format(x(b))) \(SVG.format(y(v))) "
          pen = true
        }
        s.element("path", ["d": path, "fill": "none", "stroke": color, "stroke-width": 2])
        // Bars of several series at one block are offset a little so they do not hide each other.
        let offset = series.count > 1 ? (Double(i) - Double(series.count - 1) / 2) * 3 : 0
        for (b, v) in line.values.enumerated() where b < blocks.count && v.isFinite {
          let bar = line.interval(b)
          if let bar {
            ErrorBar.draw(at: x(b) + offset, from: scale(b)(bar.low), to: scale(b)(bar.high),
                          color: color, into: &s)
          }
          s.group("circle", ["cx": x(b), "cy": scale(b)(v), "r": 3.5, "fill": color]) {
            $0.title("\(line.name), \(blocks[b]): \(Self.format(v))"
              + (bar.map { " (95% interval \(Self.format($0.low)) to \(Self.format($0.high)))" } ?? ""))
          }
        }
      }
      frame.drawLegend(series.enumerated().map { ($1.name, Palette.color($0)) }, into: &s)
    }
  }

  static func format(_ v: Double) -> String { String(format: "%.4g", v) }
}
