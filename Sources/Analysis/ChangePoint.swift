/// A two-segment change point over block order: the step function (one mean before the
/// boundary, one after) that fits a profile of block scores with the least within-segment
/// squared error. Boundary k shares blocks 0..<k and specializes k..<n, so k = 0 is `stem`
/// (one segment, everything specialized) and k = n is `none` (one segment, nothing).
///
/// Missing values (NaN) are left out of both segments; a boundary with no value on one side
/// cannot be a change point. Only an increasing step (specialized blocks more sensitive than
/// shared ones) is a split: a decreasing one contradicts sharing the shallow blocks.
public struct ChangePoint: Sendable, Equatable {
  /// Within-segment squared error for k = 0...n (k = 0 and n: the total sum of squares);
  /// NaN where a segment is empty.
  public let costs: [Double]
  /// Segment means for k = 0...n (NaN for an empty segment).
  public let meansBefore: [Double]
  public let meansAfter: [Double]
  /// Sum of squared deviations from the overall mean.
  public let totalSumOfSquares: Double
  /// Squared error of the least-squares line over block index: a profile a line fits as well
  /// as a step rises gradually and has no boundary of its own.
  public let linearCost: Double
  /// The best increasing boundary (1...n − 1), or nil when no boundary steps up.
  public let best: Int?

  public init(_ profile: [Double]) {
    let n = profile.count
    var costs: [Double] = [], before: [Double] = [], after: [Double] = []
    for k in 0...n {
      let left = profile[..<k].filter { !$0.isNaN }, right = profile[k...].filter { !$0.isNaN }
      let (l, r) = (mean(left), mean(right))
      before.append(l)
      after.append(r)
      if k == 0 || k == n {
        costs.append(squaredError(left + right))
      } else {
        costs.append(left.isEmpty || right.isEmpty ? .nan
                     : squaredError(left) + squaredError(right))
      }
    }
    self.costs = costs
    meansBefore = before
    meansAfter = after
    totalSumOfSquares = squaredError(profile.filter { !$0.isNaN })
    linearCost = Self.linearFitCost(profile)

    // Ties go to the later boundary: the same fit with fewer specialized parameters.
    let tolerance = 1e-12 * max(1, totalSumOfSquares)
    var best: Int?
    for k in Swift.stride(from: 1, to: n, by: 1)
    where !costs[k].isNaN && after[k] > before[k] {
      if best == nil || costs[k] <= costs[best!] + tolerance { best = k }
    }
    self.best = best
  }

  /// 1 − cost / total: the share of the profile's variance the step at k explains.
  public func explainedVariance(at k: Int) -> Double {
    totalSumOfSquares > 0 ? 1 - costs[k] / totalSumOfSquares : .nan
  }

  /// Mean after minus mean before the boundary k (NaN for k = 0 and n).
  public func contrast(at k: Int) -> Double {
    k > 0 && k < costs.count - 1 ? meansAfter[k] - meansBefore[k] : .nan
  }

  /// Whether a straight line over block index fits at least as well as the best step.
  public var isGradual: Bool {
    guard let best else { return false }
    return linearCost <= costs[best]
  }

  private static func linearFitCost(_ profile: [Double]) -> Double {
    let points = profile.enumerated().filter { !$0.element.isNaN }
      .map { (x: Double($0.offset), y: $0.element) }
    guard points.count >= 2 else { return .nan }
    let mx = mean(points.map(\.x)), my = mean(points.map(\.y))
    let sxx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) }
    let sxy = points.reduce(0) { $0 + ($1.x - mx) * ($1.y - my) }
    let slope = sxy / sxx
    return points.reduce(0) { r, p in
      let residual = p.y - (my + slope * (p.x - mx))
      return r + residual * residual
    }
  }
}

/// Mean of `values`; NaN when empty.
func mean(_ values: [Double]) -> Double {
  values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

/// Mean of the values that are not NaN; NaN when there are none.
func meanIgnoringNaN(_ values: [Double]) -> Double { mean(values.filter { !$0.isNaN }) }

/// Sum of squared deviations from the mean (0 for no values).
func squaredError(_ values: [Double]) -> Double {
  let m = mean(values)
  return values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
}
