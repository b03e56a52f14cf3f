import Foundation

/// Maps a data interval onto a pixel interval, with "nice" tick values (1, 2, 5 × 10^k).
public struct LinearScale: Sendable {
  public let domain: ClosedRange<Double>
  public let range: ClosedRange<Double>
  /// Whether larger values go to smaller pixels (a y axis).
  public let flipped: Bool
  /// The distance between ticks.
  public let step: Double

  /// The scale over the finite `values`, widened to nice ticks; `including` forces values into
  /// the domain (0 for a bar-like baseline, 1 for similarities). `minimumStep` 1 keeps ticks on
  /// whole numbers (task indices).
  public init(values: [Double], including: [Double] = [], range: ClosedRange<Double>,
              flipped: Bool = false, minimumStep: Double = 0)
  {
    let finite = (values + including).filter(\.isFinite)
    var low = finite.min() ?? 0, high = finite.max() ?? 1
    if low == high { (low, high) = (low - 0.5, high + 0.5) }
    let step = max(Self.niceStep((high - low) / 5), minimumStep)
    domain = (low / step).rounded(.down) * step...(high / step).rounded(.up) * step
    self.range = range
    self.flipped = flipped
    self.step = step
  }

  public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false) {
    self.domain = domain
    self.range = range
    self.flipped = flipped
    step = Self.niceStep((domain.upperBound - domain.lowerBound) / 5)
  }

  public func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    let t = span == 0 ? 0.5 : (value - domain.lowerBound) / span
    let u = flipped ? 1 - t : t
    return range.lowerBound + u * (range.upperBound - range.lowerBound)
  }

  /// About five evenly spaced values inside the domain.
  public var ticks: [Double] {
    var values: [Double] = []
    var v = (domain.lowerBound / step).rounded(.up) * step
    while v <= domain.upperBound + step * 1e-9 {
      values.append(abs(v) < step * 1e-9 ? 0 : v)
      v += step
    }
    return values
  }

  static func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let power = pow(10, (log10(rough)).rounded(.down))
    let fraction = rough / power
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    return nice * power
  }

  /// A tick label with as few digits as the step needs.
  public func label(_ value: Double) -> String {
    let digits = max(0, -Int((log10(step)).rounded(.down)))
    return String(format: "%.\(min(digits, 6))f", value)
  }
}
