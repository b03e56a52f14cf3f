import CKernels
import Dispatch
import Foundation

/// The centered linear Gram matrix K = Xc·Xcᵀ in Float64 of n rows of Float32 features, each
/// feature's mean over the rows subtracted first.
///
/// The arithmetic is Strata's C kernel (`Sources/CKernels/gram.c`), compiled for AVX-512, AVX2
/// and baseline x86-64 and chosen at run time: Swift code is built for baseline x86-64 without
/// FMA, and Debian's OpenBLAS 0.3.21 falls back to generic SSE3 kernels on CPUs it does not know,
/// so neither reached the machine's Float64 speed. Every entry sums its products in one fixed
/// order, whatever the number of workers.
enum Gram {
  /// `rows` × `columns` values, row i starting at `x + i * rowStride`. `workers` share out the
  /// rows (1 when the caller runs several Grams at once).
  static func centered(_ x: UnsafePointer<Float>, rows n: Int, columns d: Int, rowStride: Int,
                       workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Double]
  {
    precondition(n > 0 && d > 0 && rowStride >= d, "Gram of \(n) rows of \(d) values")
    var g = [Double](repeating: 0, count: n * n)
    let workers = max(1, min(workers, (n + 3) / 4))
    g.withUnsafeMutableBufferPointer { gs in
      // Each worker writes only its own rows of G.
      nonisolated(unsafe) let out = gs.baseAddress!
      nonisolated(unsafe) let input = x
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let status = strata_centered_gram_f64(input, n, d, rowStride, out, worker, workers)
        // Scratch is a few hundred KiB; failing to get it is out of memory, as for any array.
        precondition(status == 0, "out of memory for a Gram matrix's scratch")
      }
      strata_gram_mirror(out, n)
    }
    return g
  }

  /// The same for a row-major array.
  static func centered(_ x: [Float], rows n: Int, columns d: Int) -> [Double] {
    x.withUnsafeBufferPointer { centered($0.baseAddress!, rows: n, columns: d, rowStride: d) }
  }

  /// The instruction set the kernel uses here: avx512, avx2 or generic.
  static var instructionSet: String { String(cString: strata_kernels_isa()) }
}
