/// Debiased linear CKA on one full batch, as Kornblith's reference code computes it
/// (`feature_space_linear_cka(debiased=True)`): an independent formula that a single minibatch
/// holding every example must equal. Written on the Grams of the centered features:
///
///     d(K, L) = tr(KL) − n/(n−2)·Σᵢ KᵢᵢLᵢᵢ + tr(K)·tr(L)/((n−1)(n−2))
///     CKA = d(K, L) / √(d(K, K)·d(L, L))
public enum DebiasedCKA {
  public static func value(x: [Float], xWidth: Int, y: [Float], yWidth: Int) -> Double {
    let n = x.count / xWidth
    let k = MinibatchCKA.centeredGram(x, rows: n, columns: xWidth)
    let l = MinibatchCKA.centeredGram(y, rows: n, columns: yWidth)
    return debiasedDot(k, l, n: n) / (debiasedDot(k, k, n: n) * debiasedDot(l, l, n: n))
      .squareRoot()
  }

  /// Kornblith's `_debiased_dot_product_similarity_helper` with xty = tr(KL), the squared row
  /// norms = diag(K), diag(L), and the squared norms = tr(K), tr(L).
  static func debiasedDot(_ k: [Double], _ l: [Double], n: Int) -> Double {
    var xty = 0.0
    for i in 0..<(n * n) { xty += k[i] * l[i] }
    var diagonals = 0.0, traceK = 0.0, traceL = 0.0
    for i in 0..<n {
      diagonals += k[i * n + i] * l[i * n + i]
      traceK += k[i * n + i]
      traceL += l[i * n + i]
    }
    let m = Double(n)
    return xty - m / (m - 2) * diagonals + traceK * traceL / ((m - 1) * (m - 2))
  }
}
