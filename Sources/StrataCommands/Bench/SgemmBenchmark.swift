import BLAS
import DNNL
import Foundation

/// Single-precision GEMM throughput, the machine's practical FLOP ceiling against which a
/// training rate is judged: OpenBLAS (the reference figure of the design) and oneDNN's own sgemm
/// (the kernels Strata's convolutions use; faster where OpenBLAS lacks kernels for the CPU).
enum SgemmBenchmark {
  /// Median GFLOP/s of OpenBLAS's square `n`×`n` product over `repeats` runs after a warm-up.
  static func openBLAS(n: Int = 2048, repeats: Int = 7) -> Double {
    measure(n: n, repeats: repeats) { a, b, c in
      BLAS.sgemm(m: n, n: n, k: n, a: a, b: b, c: c)
    }
  }

  /// The same for oneDNN's `dnnl_sgemm`.
  static func oneDNN(n: Int = 2048, repeats: Int = 7) throws -> Double {
    var failure: DNNLError?
    let rate = measure(n: n, repeats: repeats) { a, b, c in
      do throws(DNNLError) { try sgemm(m: n, n: n, k: n, a: a, b: b, c: c) } catch { failure = error }
    }
    if let failure { throw failure }
    return rate
  }

  private static func measure(
    n: Int, repeats: Int,
    _ product: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> Double {
    var generator = SystemRandomNumberGenerator()
    let a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
    let b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
    var c = [Float](repeating: 0, count: n * n)
    var times: [Double] = []
    for run in 0...repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      product(a, b, &c)
      if run > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    }
    return 2 * Double(n * n * n) / median(times) / 1e9
  }
}
