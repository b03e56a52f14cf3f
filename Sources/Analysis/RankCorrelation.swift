/// Spearman's rank correlation: Pearson's correlation of the ranks (ties share their mean
/// rank), over the positions where both profiles have a value. NaN with fewer than three such
/// positions or when one side is constant.
public func spearmanCorrelation(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "profiles of \(a.count) and \(b.count) values")
  let pairs = zip(a, b).filter { !$0.0.isNaN && !$0.1.isNaN }
  guard pairs.count >= 3 else { return .nan }
  let (x, y) = (ranks(pairs.map(\.0)), ranks(pairs.map(\.1)))
  let (mx, my) = (mean(x), mean(y))
  var sxy = 0.0, sxx = 0.0, syy = 0.0
  for (u, v) in zip(x, y) {
    sxy += (u - mx) * (v - my)
    sxx += (u - mx) * (u - mx)
    syy += (v - my) * (v - my)
  }
  return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
}

/// 1-based ranks, ties given the mean of the ranks they span.
func ranks(_ values: [Double]) -> [Double] {
  let order = values.indices.sorted { values[$0] < values[$1] }
  var result = [Double](repeating: 0, count: values.count)
  var start = 0
  while start < order.count {
    var end = start
    while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
    let rank = Double(start + end) / 2 + 1
    for i in start...end { result[order[i]] = rank }
    start = end + 1
  }
  return result
}
