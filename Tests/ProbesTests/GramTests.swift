import CKernels
import Testing
@testable import Probes

/// The C Gram kernel against a plain Float64 loop: shapes that cross its 4-row tiles, 8-lane
/// vectors and 512-column blocks, rows with a stride beyond their width, every instruction set
/// the CPU has, and any number of workers.
@Suite struct GramTests {
  /// (rows, columns): rows around the 4-row tiles, columns around 8 lanes and 512-wide blocks.
  static let shapes = [(1, 5), (4, 8), (5, 7), (6, 9), (9, 511), (13, 512), (7, 513), (11, 1100)]

  /// Xc·Xcᵀ by the definition, in Float64.
  static func reference(_ x: [Float], rows n: Int, columns d: Int, stride: Int) -> [Double] {
    let mean = (0..<d).map { k in (0..<n).reduce(0.0) { $0 + Double(x[$1 * stride + k]) } / Double(n) }
    return (0..<(n * n)).map { ij in
      let (i, j) = (ij / n, ij % n)
      return (0..<d).reduce(0.0) {
        $0 + (Double(x[i * stride + $1]) - mean[$1]) * (Double(x[j * stride + $1]) - mean[$1])
      }
    }
  }

  static func input(_ n: Int, _ d: Int, stride: Int) -> [Float] {
    var random = Seeded(state: UInt64(n * 10_000 + d))
    // Offset values: centering must remove a large common mean without losing the rest.
    return random.matrix(n, stride).map { $0 + 50 }
  }

  static func close(_ a: [Double], _ b: [Double]) -> Bool {
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(scale, 1) }
  }

  @Test(arguments: shapes)
  func equalsTheDefinition(rows n: Int, columns d: Int) {
    let stride = d + 3  // the 3 values after each row are not features and must be ignored
    let x = Self.input(n, d, stride: stride)
    let g = x.withUnsafeBufferPointer {
      Gram.centered($0.baseAddress!, rows: n, columns: d, rowStride: stride)
    }
    let expected = Self.reference(x, rows: n, columns: d, stride: stride)
    #expect(Self.close(g, expected), "\(n)×\(d) Gram differs from the definition")
    for i in 0..<n { for j in 0..<n { #expect(g[i * n + j] == g[j * n + i]) } }
  }

  @Test(arguments: [(13, 700), (40, 1030)])
  func workersDoNotChangeTheResult(rows n: Int, columns d: Int) {
    let x = Self.input(n, d, stride: d)
    let one = x.withUnsafeBufferPointer {
      Gram.centered($0.baseAddress!, rows: n, columns: d, rowStride: d, workers: 1)
    }
    for workers in [2, 3, 5] {
      let many = x.withUnsafeBufferPointer {
        Gram.centered($0.baseAddress!, rows: n, columns: d, rowStride: d, workers: workers)
      }
      #expect(many == one, "\(workers) workers changed the Gram's bits")
    }
  }

  /// Every instruction set this CPU runs agrees with the definition; AVX-512 and AVX2 agree bit
  /// for bit (same lanes, same FMAs, same order).
  @Test func everyInstructionSetThisCPUHas() {
    let detected = Gram.instructionSet
    let available = ["avx512": ["avx512", "avx2", "generic"], "avx2": ["avx2", "generic"]][detected]
      ?? ["generic"]
    let (n, d) = (10, 1037)
    let x = Self.input(n, d, stride: d)
    let expected = Self.reference(x, rows: n, columns: d, stride: d)
    var results: [String: [Double]] = [:]
    for isa in available {
      var g = [Double](repeating: 0, count: n * n)
      let status = x.withUnsafeBufferPointer { xs in
        g.withUnsafeMutableBufferPointer {
          strata_centered_gram_f64_isa(isa, xs.baseAddress!, n, d, d, $0.baseAddress!, 0, 1)
        }
      }
      #expect(status == 0)
      g.withUnsafeMutableBufferPointer { strata_gram_mirror($0.baseAddress!, n) }
      #expect(Self.close(g, expected), "\(isa) Gram differs from the definition")
      results[isa] = g
    }
    if let wide = results["avx512"], let narrow = results["avx2"] {
      #expect(wide == narrow, "AVX-512 and AVX2 Grams differ in their bits")
    }
    print("Gram kernels checked on this CPU: \(available.joined(separator: ", "))")
  }
}
