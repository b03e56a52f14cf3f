import Dispatch
import Foundation

/// The linear Gram matrix G = X·Xᵀ of row vectors in Float64.
///
/// Written here rather than called from BLAS: Debian's OpenBLAS 0.3.21 falls back to its
/// generic SSE3 kernels on CPUs it does not know (this machine's, for one), where `dsyrk` is an
/// order of magnitude slower than this loop. Columns are taken in blocks small enough that all
/// rows of a block stay in the L2 cache while every pair (i ≤ j) accumulates its partial dot
/// product with 8-wide SIMD. Rows are shared out over the cores (each writes only its own rows
/// of the upper triangle).
enum Gram {
  static let block = 256

  static func compute(_ x: [Double], rows n: Int, columns d: Int) -> [Double] {
    var g = [Double](repeating: 0, count: n * n)
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(n / 8, 1))
    x.withUnsafeBufferPointer { xs in
      g.withUnsafeMutableBufferPointer { gs in
        // Workers read disjoint-safe input and write disjoint rows of the output.
        nonisolated(unsafe) let base = xs.baseAddress!
        nonisolated(unsafe) let out = gs.baseAddress!
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          var start = 0
          while start < d {
            let width = min(Self.block, d - start)
            // Rows worker, worker + workers, …: interleaved so the triangle's work is balanced.
            // Four columns j at a time share each load of row i's values.
            for i in stride(from: worker, to: n, by: workers) {
              let a = base + i * d + start
              var j = i
              while j + 4 <= n {
                let sums = dot4(a, base + j * d + start, d, width)
                for q in 0..<4 { out[i * n + j + q] += sums[q] }
                j += 4
              }
              while j < n {
                out[i * n + j] += dot(a, base + j * d + start, width)
                j += 1
              }
            }
            start += width
          }
        }
        for i in 0..<n { for j in 0..<i { out[i * n + j] = out[j * n + i] } }
      }
    }
    return g
  }

  /// a·b₀ … a·b₃ where b_q starts `stride` values after b_{q−1}.
  @inline(__always)
  private static func dot4(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ stride: Int,
                           _ count: Int) -> SIMD4<Double>
  {
    var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), s2 = SIMD8<Double>(), s3 = SIMD8<Double>()
    var k = 0
    while k + 8 <= count {
      let x = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Double>.self)
      s0 += x * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Double>.self)
      s1 += x * UnsafeRawPointer(b + stride + k).loadUnaligned(as: SIMD8<Double>.self)
      s2 += x * UnsafeRawPointer(b + 2 * stride + k).loadUnaligned(as: SIMD8<Double>.self)
      s3 += x * UnsafeRawPointer(b + 3 * stride + k).loadUnaligned(as: SIMD8<Double>.self)
      k += 8
    }
    var result = SIMD4(s0.sum(), s1.sum(), s2.sum(), s3.sum())
    while k < count {
      for q in 0..<4 { result[q] += a[k] * b[q * stride + k] }
      k += 1
    }
    return result
  }

  @inline(__always)
  private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int)
    -> Double
  {
    var sum0 = SIMD8<Double>(), sum1 = SIMD8<Double>()
    var k = 0
    while k + 16 <= count {
      let a0 = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Double>.self)
      let b0 = UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Double>.self)
      let a1 = UnsafeRawPointer(a + k + 8).loadUnaligned(as: SIMD8<Double>.self)
      let b1 = UnsafeRawPointer(b + k + 8).loadUnaligned(as: SIMD8<Double>.self)
      // `+= a * b`, not `addingProduct`: the latter is not lowered to vector FMAs here and was
      // 15× slower.
      sum0 += a0 * b0
      sum1 += a1 * b1
      k += 16
    }
    var sum = (sum0 + sum1).sum()
    while k < count {
      sum += a[k] * b[k]
      k += 1
    }
    return sum
  }
}
