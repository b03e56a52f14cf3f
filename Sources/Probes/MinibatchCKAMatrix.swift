/// Minibatch linear CKA between every block of one model (rows: before the task) and every
/// block of another (columns: after it), on the same batches: the block × block matrix whose
/// diagonal is `MinibatchCKA` per block. It costs no forward passes or Grams beyond the
/// diagonal's, only the HSIC₁ of every pair of Grams (n² each).
public struct MinibatchCKAMatrix: Sendable {
  public let rows: Int, columns: Int
  private var xy: [Double], xx: [Double], yy: [Double]
  private var batchSize: Int?
  public private(set) var batches = 0

  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
    xy = [Double](repeating: 0, count: rows * columns)
    xx = [Double](repeating: 0, count: rows)
    yy = [Double](repeating: 0, count: columns)
  }

  /// Adds one batch: `k[a]` is block a's centered Gram before, `l[b]` block b's after (n × n).
  public mutating func add(k: [[Double]], l: [[Double]], n: Int) throws(CKAError) {
    guard k.count == rows, l.count == columns,
          (k + l).allSatisfy({ $0.count == n * n }) else {
      throw .shapeMismatch("\(k.count) and \(l.count) Grams for a \(rows) × \(columns) matrix "
                           + "of \(n) examples")
    }
    guard n >= 4 else { throw .batchTooSmall(n) }
    if let batchSize, batchSize != n { throw .unequalBatches(expected: batchSize, got: n) }
    batchSize = n
    for a in 0..<rows { xx[a] += MinibatchCKA.unbiasedHSIC(k[a], k[a], n: n) }
    for b in 0..<columns { yy[b] += MinibatchCKA.unbiasedHSIC(l[b], l[b], n: n) }
    for a in 0..<rows {
      for b in 0..<columns { xy[a * columns + b] += MinibatchCKA.unbiasedHSIC(k[a], l[b], n: n) }
    }
    batches += 1
  }

  /// result[a][b]: CKA between block a before and block b after.
  public var result: [[CKAResult]] {
    (0..<rows).map { a in
      (0..<columns).map { b in
        batches == 0 ? CKAResult(value: .nan, reason: "no batches")
          : MinibatchCKA.ratio(xy: xy[a * columns + b], xx: xx[a], yy: yy[b])
      }
    }
  }
}
