import CDNNL

/// oneDNN's single-precision GEMM, C = αAB + βC, row-major: the JIT kernel oneDNN's own
/// convolutions are built from, used to measure the machine's FLOP ceiling.
public func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                  b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>)
  throws(DNNLError)
{
  try check(dnnl_sgemm(CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), dnnl_dim_t(m),
                       dnnl_dim_t(n), dnnl_dim_t(k), alpha, a, dnnl_dim_t(k), b, dnnl_dim_t(n),
                       beta, c, dnnl_dim_t(n)),
            "dnnl_sgemm", "\(m)x\(k) · \(k)x\(n)")
}
