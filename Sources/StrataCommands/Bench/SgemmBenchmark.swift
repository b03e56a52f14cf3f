import BLAS
import Common
import DNNL
import Foundation

/// Single-precision GEMM throughput, the machine's practical FLOP ceiling against which a
/// training rate is judged: OpenBLAS (the reference figure of the design) and oneDNN's own sgemm
/// (the kernels Strata's convolutions use; faster where OpenBLAS lacks kernels for the CPU).
///
/// The matrices are allocated once, so single products can be timed between training steps.
final class SgemmBenchmark {
  enum Library: String, CaseIterable { case openBLAS = "OpenBLAS", oneDNN }

  let n: Int
  private let a: [Float]
  private let b: [Float]
  private var c: [Float]

  init(n: Int = 2048) {
    self.n = n
    var generator = SystemRandomNumberGenerator()
    a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
    b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
    c = [Float](repeating: 0, count: n * n)
  }

  /// GFLOP/s of one square `n`×`n` product.
  func once(_ library: Library) throws -> Double {
    let n = n
    let start = DispatchTime.now().uptimeNanoseconds
    switch library {
    case .openBLAS: BLAS.sgemm(m: n, n: n, k: n, a: a, b: b, c: &c)
    case .oneDNN: try sgemm(m: n, n: n, k: n, a: a, b: b, c: &c)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return 2 * Double(n * n * n) / seconds / 1e9
  }

  /// Median GFLOP/s over `repeats` products after one warm-up.
  func medianRate(_ library: Library, repeats: Int = 7) throws -> Double {
    _ = try once(library)
    return median(try (0..<repeats).map { _ in try once(library) })
  }
}
