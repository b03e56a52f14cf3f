import Common
/// Measurements that take turns: in each of `count` rounds every runner runs once, the first
/// one rotating, so the slow moments of a shared machine fall on all of them alike and the
/// i-th values of two runners can be compared as a pair.
enum Interleaved {
  /// Each runner gets the round number and returns its measurement; the result holds one array
  /// per runner, in the runners' order.
  static func run(_ count: Int, _ runners: [(Int) throws -> Double],
                  progress: (Int) -> Void) throws -> [[Double]] {
    var values = Array(repeating: [Double](), count: runners.count)
    for round in 0..<count {
      for turn in 0..<runners.count {
        let index = (round + turn) % runners.count
        values[index].append(try runners[index](round))
      }
      progress(round + 1)
    }
    return values
  }
}

/// Median and the lower and upper quartiles (nearest rank).
func quartiles(_ values: [Double]) -> (lower: Double, median: Double, upper: Double) {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return (.nan, .nan, .nan) }
  func rank(_ p: Double) -> Double { sorted[Int((p * Double(sorted.count - 1)).rounded())] }
  return (rank(0.25), median(values), rank(0.75))
}
