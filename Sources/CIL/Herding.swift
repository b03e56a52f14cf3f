/// Herding exemplar selection (Welling 2009; iCaRL, Rebuffi et al., CVPR 2017, Alg. 4), exactly
/// as PyCIL's `_construct_exemplar`:
///
/// - features are L2-normalized first (`v / (‖v‖ + 1e-8)`), and μ is the mean of the normalized
///   features (not re-normalized);
/// - step k = 1…m picks, among the samples not yet chosen, the one minimizing
///   ‖μ − (S + v) / k‖₂, where S is the sum of the chosen features;
/// - ties go to the earliest remaining sample (numpy's `argmin` over the array with the chosen
///   rows deleted, whose order is the original order).
///
/// Sums run in Float64. The result lists positions into `features`, in selection order, so the
/// first q entries are the class's exemplars at any smaller quota (PyCIL's `_reduce_exemplar`
/// keeps `dummy_data[:m]`).
public enum Herding {
  /// PyCIL's `EPSILON`.
  public static let epsilon = 1e-8

  /// `v / (‖v‖ + ε)` in Float64.
  public static func normalized(_ v: [Float]) -> [Double] {
    let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    return v.map { Double($0) / (norm + epsilon) }
  }

  /// The `count` samples herding picks from `features` (one row per sample, all the same
  /// width), in selection order; all of them, in selection order, when `count ≥ rows`.
  public static func select(_ features: [[Float]], count: Int) -> [Int] {
    precondition(count >= 0, "herding selects a non-negative number of samples, not \(count)")
    guard let width = features.first?.count else { return [] }
    precondition(features.allSatisfy { $0.count == width }, "herding: rows of different widths")
    let vectors = features.map(normalized)
    var mean = [Double](repeating: 0, count: width)
    for v in vectors { for d in 0..<width { mean[d] += v[d] } }
    for d in 0..<width { mean[d] /= Double(vectors.count) }

    var remaining = Array(vectors.indices)
    var sum = [Double](repeating: 0, count: width)
    var chosen: [Int] = []
    for k in 1...max(1, min(count, vectors.count)) where count > 0 {
      var best = 0, bestDistance = Double.infinity
      for (position, i) in remaining.enumerated() {
        var squared = 0.0
        for d in 0..<width {
          let diff = mean[d] - (sum[d] + vectors[i][d]) / Double(k)
          squared += diff * diff
        }
        // Strictly smaller: the earliest remaining sample wins a tie, as numpy's argmin.
        if squared < bestDistance { (best, bestDistance) = (position, squared) }
      }
      let i = remaining.remove(at: best)
      chosen.append(i)
      for d in 0..<width { sum[d] += vectors[i][d] }
    }
    return chosen
  }

  /// The class mean for nearest-mean classification: the mean of the L2-normalized features,
  /// re-normalized (PyCIL: `mean = np.mean(vectors, axis=0); mean = mean / np.linalg.norm(mean)`).
  public static func classMean(_ features: [[Float]]) -> [Float] {
    guard let width = features.first?.count else { return [] }
    var mean = [Double](repeating: 0, count: width)
    for v in features.map(normalized) { for d in 0..<width { mean[d] += v[d] } }
    for d in 0..<width { mean[d] /= Double(features.count) }
    let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return mean.map { Float($0 / norm) }
  }
}
