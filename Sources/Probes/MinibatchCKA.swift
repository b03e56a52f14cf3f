/// Linear CKA between two representations of the same examples, estimated over minibatches
/// (Nguyen, Raghu & Kornblith 2021, "Do Wide and Deep Networks Learn the Same Things?", Eq. 2–3):
///
///     CKA = Σᵢ HSIC₁(Kᵢ, Lᵢ) / √(Σᵢ HSIC₁(Kᵢ, Kᵢ) · Σᵢ HSIC₁(Lᵢ, Lᵢ))
///
/// with Kᵢ = XᵢXᵢᵀ and Lᵢ = YᵢYᵢᵀ the linear Gram matrices of batch i (each feature's batch mean
/// subtracted first) and HSIC₁ the unbiased estimator of Song et al. (2012, Eq. 5). Batches must
/// be of one size n ≥ 4 (the estimator divides by n − 3). Grams and sums are in Float64. The value
/// is never clamped: a representation without variance gives NaN and a reason.
public struct MinibatchCKA: Sendable {
  public private(set) var batchSize: Int?
  public private(set) var batches = 0
  private var xy = 0.0, xx = 0.0, yy = 0.0

  public init() {}

  /// Adds one batch: `x` is n rows of `xWidth` features, `y` n rows of `yWidth` (row-major).
  public mutating func add(x: [Float], xWidth: Int, y: [Float], yWidth: Int) throws(CKAError) {
    let n = x.count / max(xWidth, 1)
    guard n * xWidth == x.count, y.count == n * yWidth else {
      throw .shapeMismatch("x has \(x.count) values for width \(xWidth), y \(y.count) for \(yWidth)")
    }
    try checkBatch(n)
    try add(k: Self.centeredGram(x, rows: n, columns: xWidth),
            l: Self.centeredGram(y, rows: n, columns: yWidth), n: n)
  }

  /// Adds one batch given its centered Grams (n × n each), as `centeredGram` computes them.
  public mutating func add(k: [Double], l: [Double], n: Int) throws(CKAError) {
    guard k.count == n * n, l.count == n * n else {
      throw .shapeMismatch("Grams of \(k.count) and \(l.count) values for \(n) examples")
    }
    try checkBatch(n)
    batchSize = n
    xy += Self.unbiasedHSIC(k, l, n: n)
    xx += Self.unbiasedHSIC(k, k, n: n)
    yy += Self.unbiasedHSIC(l, l, n: n)
    batches += 1
  }

  /// Batches of at least 4, all of one size.
  public func checkBatch(_ n: Int) throws(CKAError) {
    guard n >= 4 else { throw .batchTooSmall(n) }
    if let batchSize, batchSize != n { throw .unequalBatches(expected: batchSize, got: n) }
  }

  /// The estimate so far.
  public var result: CKAResult {
    guard batches > 0 else { return CKAResult(value: .nan, reason: "no batches") }
    return Self.ratio(xy: xy, xx: xx, yy: yy)
  }

  /// Σ HSIC₁(K, L) / √(Σ HSIC₁(K, K) · Σ HSIC₁(L, L)), or NaN with the reason when either side
  /// has no variance.
  static func ratio(xy: Double, xx: Double, yy: Double) -> CKAResult {
    if !(xx > 0) || !(yy > 0) {
      let side = !(xx > 0) ? (!(yy > 0) ? "both representations" : "the first representation")
        : "the second representation"
      return CKAResult(value: .nan, reason: "\(side) has no variance over the probe set "
                       + "(HSIC₁ self-similarity \(!(xx > 0) ? xx : yy))")
    }
    return CKAResult(value: xy / (xx * yy).squareRoot(), reason: nil)
  }

  /// X·Xᵀ after subtracting each column's mean over the rows, in Float64.
  public static func centeredGram(_ x: [Float], rows n: Int, columns d: Int) -> [Double] {
    Gram.centered(x, rows: n, columns: d)
  }

  /// HSIC₁(K, L) = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1 / ((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)), where K̃
  /// and L̃ are K and L with zero diagonals (Song et al. 2012, Eq. 5).
  public static func unbiasedHSIC(_ k: [Double], _ l: [Double], n: Int) -> Double {
    var trace = 0.0, sumK = 0.0, sumL = 0.0, cross = 0.0
    for i in 0..<n {
      var rowK = 0.0, rowL = 0.0
      for j in 0..<n where j != i {
        let a = k[i * n + j], b = l[i * n + j]
        trace += a * b
        rowK += a
        rowL += b
      }
      sumK += rowK
      sumL += rowL
      cross += rowK * rowL
    }
    let m = Double(n)
    return (trace + sumK * sumL / ((m - 1) * (m - 2)) - 2 / (m - 2) * cross) / (m * (m - 3))
  }
}

/// A CKA value, or NaN with the reason it is undefined.
public struct CKAResult: Sendable, Equatable {
  public let value: Double
  public let reason: String?

  public init(value: Double, reason: String?) {
    self.value = value
    self.reason = reason
  }
}

public enum CKAError: Error, Equatable, CustomStringConvertible {
  case batchTooSmall(Int)
  case unequalBatches(expected: Int, got: Int)
  case shapeMismatch(String)

  public var description: String {
    switch self {
    case .batchTooSmall(let n):
      "CKA batch of \(n) examples: the unbiased HSIC estimator needs at least 4"
    case .unequalBatches(let expected, let got):
      "CKA batches must be of one size: \(expected) before, \(got) now"
    case .shapeMismatch(let message): "CKA inputs do not match: \(message)"
    }
  }
}
