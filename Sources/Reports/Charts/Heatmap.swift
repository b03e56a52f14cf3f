import Foundation

/// A rows × columns grid (task × block) coloured on a fixed scale, so two heatmaps read the same
/// way: CKA on 0–1 whatever the data's range. NaN cells are grey with the reason as tooltip.
public struct Heatmap: Sendable {
  public var title: String
  public var rows: [String]
  public var columns: [String]
  public var values: [[Double]]
  /// Why a cell is NaN, same shape as `values` ("" where defined); nil when not known.
  public var notes: [[String]]?
  public var scale: ClosedRange<Double> = 0...1
  public var rowLabel: String
  public var columnLabel: String

  public init(title: String, rows: [String], columns: [String], values: [[Double]],
              notes: [[String]]? = nil, scale: ClosedRange<Double> = 0...1,
              rowLabel: String = "task", columnLabel: String = "block")
  {
    self.title = title
    self.rows = rows
    self.columns = columns
    self.values = values
    self.notes = notes
    self.scale = scale
    self.rowLabel = rowLabel
    self.columnLabel = columnLabel
  }

  public var svg: String {
    var frame = ChartFrame()
    frame.left = 70
    frame.right = 90
    frame.makeRoomForCategories()
    frame.height = max(216, frame.top + frame.bottom + 26 * Double(rows.count))
    let cellWidth = (frame.plotX.upperBound - frame.plotX.lowerBound) / Double(max(columns.count, 1))
    let cellHeight = (frame.plotY.upperBound - frame.plotY.lowerBound) / Double(max(rows.count, 1))
    return frame.svg(title: title) { s in
      for (r, row) in rows.enumerated() {
        let y = frame.plotY.lowerBound + Double(r) * cellHeight
        s.element("text", ["x": frame.left - 6, "y": y + cellHeight / 2 + 4,
                           "text-anchor": "end", "fill": "#444"], text: row)
        for (c, column) in columns.enumerated() {
          let v = r < values.count && c < values[r].count ? values[r][c] : .nan
          let note = notes.flatMap { r < $0.count && c < $0[r].count ? $0[r][c] : nil } ?? ""
          let tip = "\(rowLabel) \(row), \(column): "
            + (v.isFinite ? String(format: "%.4f", v) : "NaN") + (note.isEmpty ? "" : " (\(note))")
          s.group("rect", ["x": frame.left + Double(c) * cellWidth, "y": y,
                           "width": cellWidth - 1, "height": cellHeight - 1,
                           "fill": v.isFinite ? ColorScale.viridis(normalized(v)) : "#bdbdbd",
                           "class": "cell"]) { $0.title(tip) }
        }
      }
      let mid = (frame.plotY.lowerBound + frame.plotY.upperBound) / 2
      s.element("text", ["x": 14, "y": mid, "text-anchor": "middle",
                         "transform": "rotate(-90 14 \(Int(mid)))", "fill": "#222"], text: rowLabel)
      frame.drawCategories(columns, at: { frame.left + (Double($0) + 0.5) * cellWidth },
                           label: columnLabel, into: &s)
      drawLegend(frame: frame, into: &s)
    }
  }

  private func normalized(_ v: Double) -> Double {
    (v - scale.lowerBound) / (scale.upperBound - scale.lowerBound)
  }

  /// A vertical colour bar with the scale's ends and middle.
  private func drawLegend(frame: ChartFrame, into s: inout SVG) {
    let x = frame.plotX.upperBound + 20, top = frame.plotY.lowerBound
    let height = min(150, frame.plotY.upperBound - top)
    let steps = 20
    s.group("g", ["class": "legend"]) { s in
      s.title("colour scale \(scale.lowerBound)–\(scale.upperBound)")
      for i in 0..<steps {
        let t = 1 - Double(i) / Double(steps - 1)
        s.element("rect", ["x": x, "y": top + Double(i) * height / Double(steps), "width": 14,
                           "height": height / Double(steps) + 0.5, "fill": ColorScale.viridis(t)])
      }
      for (t, y) in [(1.0, top), (0.5, top + height / 2), (0.0, top + height)] {
        let value = scale.lowerBound + t * (scale.upperBound - scale.lowerBound)
        s.element("text", ["x": x + 18, "y": y + 4, "fill": "#444"], text: String(format: "%g", value))
      }
    }
  }
}

/// Perceptually uniform colours (matplotlib's viridis, sampled at nine points, interpolated).
public enum ColorScale {
  static let anchors: [(Double, Double, Double)] = [
    (68, 1, 84), (71, 45, 123), (59, 82, 139), (44, 114, 142), (33, 145, 140),
    (40, 174, 128), (94, 201, 98), (173, 220, 48), (253, 231, 37),
  ]

  /// `#rrggbb` for t in [0, 1] (clamped).
  public static func viridis(_ t: Double) -> String {
    let u = min(max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
    let i = min(Int(u), anchors.count - 2)
    let f = u - Double(i)
    let (a, b) = (anchors[i], anchors[i + 1])
    func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
    return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }
}
