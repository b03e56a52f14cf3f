import Foundation
import Reports

/// A plain-text table for the terminal: a header, rows, columns right-aligned except the first
/// (and any listed in `leftAligned`), two spaces between columns.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []
  var leftAligned: Set<Int> = [0]

  init(_ header: [String], leftAligned: Set<Int> = [0]) {
    self.header = header
    self.leftAligned = leftAligned
  }

  mutating func add(_ row: [String]) {
    precondition(row.count == header.count, "row of \(row.count) cells for \(header.count) columns")
    rows.append(row)
  }

  var rendered: String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    return all.map { row in
      var line = row.indices.map { c in
        let padding = String(repeating: " ", count: widths[c] - row[c].count)
        return leftAligned.contains(c) ? row[c] + padding : padding + row[c]
      }.joined(separator: "  ")
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }.joined(separator: "\n") + "\n"
  }
}

/// 1234567 → "1,234,567", as the reports print it.
func grouped(_ n: Int) -> String { NumberFormat.grouped(n) }

/// A real number with `decimals` digits after the point and grouped thousands: "6,035.21".
func grouped(_ x: Double, decimals: Int) -> String {
  let scale = (0..<decimals).reduce(1.0) { r, _ in r * 10 }
  let scaled = (x * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(abs(scaled) - abs(Double(whole)) * scale)
  guard decimals > 0 else { return grouped(whole) }
  let digits = String(fraction)
  return grouped(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
}

/// Parses an image shape written `HxWxC` (`32x32x3`; `×` also accepted) into [C, H, W].
func parseImageShape(_ text: String) -> [Int]? {
  let parts = text.replacingOccurrences(of: "×", with: "x").lowercased()
    .split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
  guard parts.count == 3, let h = parts[0], let w = parts[1], let c = parts[2],
    h >= 1, w >= 1, c >= 1
  else { return nil }
  return [c, h, w]
}

/// [C, H, W] → "32×32×3" (H×W×C, as `--input` is written).
func imageShapeText(_ chw: [Int]) -> String {
  chw.count == 3 ? "\(chw[1])×\(chw[2])×\(chw[0])" : chw.map(String.init).joined(separator: "×")
}
