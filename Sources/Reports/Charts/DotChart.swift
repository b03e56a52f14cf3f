/// One value per category (a candidate split at one budget): every seed as a small open
/// circle, the mean as a filled dot with its 95% interval as an error bar when there are two or
/// more seeds. Used where a line over a numeric axis would claim a trend that is not there,
/// e.g. accuracy against memory when every candidate has the same budget.
public struct DotChart: Sendable {
  public struct Category: Sendable {
    public var name: String
    public var values: [Double]
    /// Tooltip text after the name.
    public var label: String
    public init(name: String, values: [Double], label: String = "") {
      self.name = name
      self.values = values
      self.label = label
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var categories: [Category]
  public var yIncluding: [Double]
  /// How a value prints in a tooltip (`66.07%`).
  public var format: @Sendable (Double) -> String

  public init(title: String, xLabel: String, yLabel: String, categories: [Category],
              yIncluding: [Double] = [], format: @escaping @Sendable (Double) -> String)
  {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.categories = categories
    self.yIncluding = yIncluding
    self.format = format
  }

  public var svg: String {
    var frame = ChartFrame()
    frame.right = 40
    frame.makeRoomForCategories()
    let summaries = categories.map { SeedSummary($0.values) }
    let bounds = summaries.flatMap { s in
      s.values + (s.halfWidth.map { [s.mean - $0, s.mean + $0] } ?? [])
    }
    let y = LinearScale(values: bounds, including: yIncluding, range: frame.plotY, flipped: true)
    let step = (frame.plotX.upperBound - frame.plotX.lowerBound) / Double(max(categories.count, 1))
    let x = { (i: Int) in frame.plotX.lowerBound + step * (Double(i) + 0.5) }
    return frame.svg(title: title) { s in
      frame.drawYAxis(y, label: yLabel, into: &s)
      frame.drawCategories(categories.map(\.name), at: x, label: xLabel, into: &s)
      for (i, (category, summary)) in zip(categories, summaries).enumerated() {
        let color = Palette.color(i)
        if let h = summary.halfWidth {
          ErrorBar.draw(at: x(i), from: y(summary.mean - h), to: y(summary.mean + h),
                        color: color, into: &s)
        }
        if summary.values.count > 1 {
          for (k, v) in summary.values.enumerated() {
            // Seeds side by side, so equal values stay visible.
            let dx = 10 + 4 * Double(k % 5)
            s.group("circle", ["cx": x(i) + dx, "cy": y(v), "r": 2.5, "fill": "none",
                               "stroke": color, "class": "seed"]) {
              $0.title("\(category.name), one seed: \(format(v))")
            }
          }
        }
        guard summary.mean.isFinite else { continue }
        let interval = summary.halfWidth.map {
          " ± \(format($0)) (95% interval over \(summary.values.count) seeds)"
        } ?? (summary.values.count == 1 ? " (one seed)" : "")
        s.group("circle", ["cx": x(i), "cy": y(summary.mean), "r": 5, "fill": color,
                           "class": "mean"]) {
          $0.title("\(category.name)\(category.label.isEmpty ? "" : " (\(category.label))"): "
            + format(summary.mean) + interval)
        }
      }
    }
  }
}
