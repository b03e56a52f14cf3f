import Foundation

/// How reports print numbers: the same text in the HTML and in report.md. People get thousands
/// separators and a few significant digits; the CSV gets every digit (`full`), so the rounding
/// of the page never reaches an analysis.
public enum NumberFormat {
  /// `112,896`, `-1,000`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// `significant` digits, fixed-point with grouped thousands from 1e-4 up to 1e9, scientific
  /// beyond (`0.6253`, `0.0006004`, `12,346`, `1.235e-05`); NaN spelled out.
  public static func significant(_ v: Double, _ significant: Int = 4) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
    if v == 0 { return "0" }
    let magnitude = abs(v)
    guard magnitude >= 1e-4 && magnitude < 1e9 else {
      return String(format: "%.\(max(significant - 1, 0))e", v)
    }
    let exponent = Int(log10(magnitude).rounded(.down))
    let decimals = max(significant - 1 - exponent, 0)
    let text = String(format: "%.\(decimals)f", v)
    // Group the integer part.
    let negative = text.hasPrefix("-")
    let unsigned = negative ? String(text.dropFirst()) : text
    let parts = unsigned.split(separator: ".", maxSplits: 1)
    guard let whole = Int(parts[0]) else { return text }
    let grouped = grouped(whole) + (parts.count > 1 ? "." + parts[1] : "")
    return (negative ? "-" : "") + grouped
  }

  /// A fraction as a percentage with two decimals, no sign: `66.07`.
  public static func percent(_ v: Double) -> String {
    v.isFinite ? String(format: "%.2f", 100 * v) : "NaN"
  }

  /// Bytes in MiB with two decimals: `4.02 MiB`.
  public static func mebibytes(_ bytes: Int) -> String {
    String(format: "%.2f MiB", Double(bytes) / 1_048_576)
  }

  /// Every digit needed to read the same Double back (Swift's shortest round-trip form); empty
  /// for NaN and infinities, which a CSV reader then sees as missing.
  public static func full(_ v: Double) -> String {
    v.isFinite ? "\(v)" : ""
  }
}
