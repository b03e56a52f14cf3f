import Foundation

/// How far a block moved between two moments, split by what the change can do to its function
/// (DESIGN, "Probes: what is measured"):
///
/// - a convolution followed by batch norm computes the same normalized output whatever each
///   output filter's norm (BN divides it out), and weight decay shrinks those norms without
///   changing the function; only the filters' directions matter. So its shift is the angle
///   between each output filter's weight vector before and after, averaged over filters.
/// - BN's affine parameters (γ, β) and its running statistics (mean, variance) act differently
///   (the affine map is trained, the statistics are estimated), so each has its own relative
///   shift ‖x(t) − x(t−1)‖ / ‖x(t−1)‖.
/// - the relative L2 over all parameters (the recorded `param_shift`) stays for comparison.
///
/// A convolution counts as followed by batch norm when the next parameter in forward order is
/// the weight (γ) of a module that owns running statistics, with one value per output filter
/// (`conv1.weight` → `bn1.weight`, `shortcut.conv.weight` → `shortcut.bn.weight`). Sums in
/// Float64.
public struct BlockShiftComponents: Sendable, Equatable {
  /// Mean over the output filters of the BN-followed convolutions of the angle, in radians,
  /// between a filter's weights before and after. NaN without such a convolution.
  public let filterAngle: Double
  /// Relative shift of the BN affine parameters (γ and β of every BN in the block, as one
  /// vector). NaN without batch norm.
  public let affineRelative: Double
  /// Relative shift of the BN running statistics (mean and variance, as one vector). NaN
  /// without batch norm.
  public let statisticsRelative: Double
  /// Relative shift of all parameters as one vector.
  public let relative: Double
  /// Filters counted in `filterAngle`; a filter with zero norm before or after has no
  /// direction and is left out.
  public let filters: Int

  /// `before` and `after`: the block's parameters in forward order (`NamedValues.parameters`);
  /// `statisticsBefore` and `statisticsAfter`: its buffers.
  public init(before: [NamedValues], after: [NamedValues], statisticsBefore: [NamedValues],
              statisticsAfter: [NamedValues])
  {
    precondition(before.map(\.name) == after.map(\.name) && before.map(\.shape) == after.map(\.shape),
                 "parameters of different blocks")
    precondition(statisticsBefore.map(\.name) == statisticsAfter.map(\.name),
                 "statistics of different blocks")
    let normalized = Set(statisticsBefore.map(\.owner))
    var angleSum = 0.0, filters = 0
    var affine: (before: [Float], after: [Float]) = ([], [])
    for (i, parameter) in before.enumerated() {
      if normalized.contains(parameter.owner) {
        affine.before += parameter.values
        affine.after += after[i].values
      }
      guard parameter.shape.count == 4, i + 1 < before.count else { continue }
      let next = before[i + 1]
      guard normalized.contains(next.owner), next.name.hasSuffix(".weight"),
            next.values.count == parameter.shape[0] else { continue }
      let size = parameter.values.count / parameter.shape[0]
      for f in 0..<parameter.shape[0] {
        let range = f * size..<(f + 1) * size
        let angle = Self.angle(parameter.values[range], after[i].values[range])
        if !angle.isNaN {
          angleSum += angle
          filters += 1
        }
      }
    }
    filterAngle = filters > 0 ? angleSum / Double(filters) : .nan
    self.filters = filters
    affineRelative = Self.relative(affine.before, affine.after)
    statisticsRelative = Self.relative(statisticsBefore.flatMap(\.values),
                                       statisticsAfter.flatMap(\.values))
    relative = Self.relative(before.flatMap(\.values), after.flatMap(\.values))
  }

  /// The angle between two vectors by Kahan's formula 2·atan2(‖â − b̂‖, ‖â + b̂‖), accurate for
  /// the small angles a training step makes (arccos of the cosine is not). NaN for a zero vector.
  static func angle(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { na += Double(x) * Double(x); nb += Double(y) * Double(y) }
    guard na > 0, nb > 0 else { return .nan }
    let (sa, sb) = (na.squareRoot(), nb.squareRoot())
    var difference = 0.0, sum = 0.0
    for (x, y) in zip(a, b) {
      let (u, v) = (Double(x) / sa, Double(y) / sb)
      difference += (u - v) * (u - v)
      sum += (u + v) * (u + v)
    }
    return 2 * atan2(difference.squareRoot(), sum.squareRoot())
  }

  /// ‖b − a‖ / ‖a‖; NaN for no values or a zero ‖a‖.
  static func relative(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "vectors of \(a.count) and \(b.count) values")
    var difference = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
      difference += (Double(y) - Double(x)) * (Double(y) - Double(x))
      norm += Double(x) * Double(x)
    }
    return norm > 0 ? (difference / norm).squareRoot() : .nan
  }
}
