import CBLAS

/// OpenBLAS through CBLAS: the only Swift code that calls it. Row-major throughout.
public enum BLAS {
  /// C = A·B for row-major A [m, k], B [k, n], C [m, n], in Float32.
  public static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>,
                           b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>)
  {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a,
                Int32(k), b, Int32(n), 0, c, Int32(n))
  }

  /// The Gram matrix G = X·Xᵀ of `rows` row vectors of length `columns`, in Float64 (a
  /// symmetric rank-k update, half the work of a general product, mirrored to full).
  public static func gram(_ x: UnsafePointer<Double>, rows: Int, columns: Int) -> [Double] {
    var g = [Double](repeating: 0, count: rows * rows)
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(rows), Int32(columns), 1, x,
                Int32(columns), 0, &g, Int32(rows))
    for i in 0..<rows {
      for j in 0..<i { g[i * rows + j] = g[j * rows + i] }
    }
    return g
  }
}
