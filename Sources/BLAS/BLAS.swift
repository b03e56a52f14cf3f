import CBLAS

/// OpenBLAS through CBLAS: the only Swift code that calls it (the sgemm reference figure of
/// `strata bench engine`). Row-major.
public enum BLAS {
  /// C = A·B for row-major A [m, k], B [k, n], C [m, n], in Float32.
  public static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>,
                           b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>)
  {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a,
                Int32(k), b, Int32(n), 0, c, Int32(n))
  }
}
