import Foundation
import StrataTestSupport
import Testing
@testable import Probes

/// Seeded data for the CKA tests (SplitMix64 + Box–Muller, Float32 values).
struct Seeded {
  var state: UInt64
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
  }
  mutating func normal() -> Float {
    Float((-2 * log(1 - next())).squareRoot() * cos(2 * .pi * next()))
  }
  mutating func matrix(_ rows: Int, _ columns: Int) -> [Float] {
    (0..<(rows * columns)).map { _ in normal() }
  }
}

/// Right-multiplies row-major [n, d] by a d×d matrix given row-major.
func multiply(_ x: [Float], width d: Int, by m: [Double]) -> [Float] {
  let n = x.count / d
  return (0..<(n * d)).map { index in
    let (i, j) = (index / d, index % d)
    return Float((0..<d).reduce(0.0) { $0 + Double(x[i * d + $1]) * m[$1 * d + j] })
  }
}

/// The Householder reflection I − 2vvᵀ/‖v‖², an orthogonal matrix.
func householder(_ v: [Double]) -> [Double] {
  let d = v.count, norm = v.reduce(0) { $0 + $1 * $1 }
  return (0..<(d * d)).map { index in
    let (i, j) = (index / d, index % d)
    return (i == j ? 1 : 0) - 2 * v[i] * v[j] / norm
  }
}

func cka(_ batches: [([Float], [Float])], xWidth: Int, yWidth: Int) throws -> CKAResult {
  var estimator = MinibatchCKA()
  for (x, y) in batches { try estimator.add(x: x, xWidth: xWidth, y: y, yWidth: yWidth) }
  return estimator.result
}

@Suite struct CKATests {
  @Test func identicalRepresentationsGiveOne() throws {
    var random = Seeded(state: 1)
    let batches = (0..<3).map { _ in random.matrix(10, 6) }
    let value = try cka(batches.map { ($0, $0) }, xWidth: 6, yWidth: 6).value
    #expect(abs(value - 1) < 1e-12, "CKA(X, X) = \(value)")
  }

  @Test func invariantToOrthogonalMapsAndIsotropicScaling() throws {
    var random = Seeded(state: 2)
    let xs = (0..<3).map { _ in random.matrix(12, 5) }
    let ys = (0..<3).map { _ in random.matrix(12, 4) }
    let base = try cka(Array(zip(xs, ys)), xWidth: 5, yWidth: 4).value
    let q = householder((0..<5).map { _ in Double(random.normal()) })
    let rotated = try cka(xs.map { multiply($0, width: 5, by: q) }.enumerated().map { ($1, ys[$0]) },
                          xWidth: 5, yWidth: 4).value
    // Scaling by a power of two is exact in Float32, so CKA must not move at all; 3.75 rounds.
    let scaled = try cka(zip(xs, ys).map { ($0, $1.map { $0 * 0.25 }) }, xWidth: 5, yWidth: 4).value
    let scaledRounded = try cka(zip(xs, ys).map { ($0.map { $0 * 3.75 }, $1) }, xWidth: 5,
                                yWidth: 4).value
    #expect(abs(scaledRounded - base) < 1e-6, "isotropic scaling by 3.75: \(scaledRounded)")
    #expect(abs(rotated - base) < 1e-6, "orthogonal: \(rotated) vs \(base)")
    #expect(abs(scaled - base) < 1e-12, "isotropic scaling: \(scaled) vs \(base)")
    // A general (anisotropic) linear map changes the value.
    var stretch = [Double](repeating: 0, count: 25)
    for i in 0..<5 { stretch[i * 6] = Double(i + 1) * 4 }
    let stretched = try cka(xs.map { multiply($0, width: 5, by: stretch) }.enumerated()
                              .map { ($1, ys[$0]) }, xWidth: 5, yWidth: 4).value
    #expect(abs(stretched - base) > 1e-3, "a general linear map left CKA at \(stretched)")
  }

  @Test func oneBatchEqualsDebiasedFullBatchCKA() throws {
    var random = Seeded(state: 3)
    let x = random.matrix(40, 7)
    let y = (0..<(40 * 3)).map { i in x[(i / 3) * 7 + i % 3] + 0.5 * random.normal() }
    let minibatch = try cka([(x, y)], xWidth: 7, yWidth: 3).value
    let debiased = DebiasedCKA.value(x: x, xWidth: 7, y: y, yWidth: 3)
    #expect(abs(minibatch - debiased) < 1e-10, "\(minibatch) vs \(debiased)")
    #expect(minibatch > 0.2 && minibatch < 0.99, "related but not equal data: \(minibatch)")
  }

  @Test func agreesWithNumPy() throws {
    var random = Seeded(state: 4)
    let batches = (0..<3).map { _ -> ([Float], [Float]) in
      let x = random.matrix(8, 5)
      return (x, (0..<(8 * 6)).map { i in x[(i / 6) * 5 + i % 5] * 0.3 + random.normal() })
    }
    let request: [String: Any] = [
      "xWidth": 5, "yWidth": 6,
      "batches": batches.map { ["x": $0.0.map(Double.init), "y": $0.1.map(Double.init)] },
    ]
    let oracle = try runNumPyOracle(request)
    let minibatch = try cka(batches, xWidth: 5, yWidth: 6).value
    let all = batches.reduce(([Float](), [Float]())) { ($0.0 + $1.0, $0.1 + $1.1) }
    let debiased = DebiasedCKA.value(x: all.0, xWidth: 5, y: all.1, yWidth: 6)
    #expect(abs(minibatch - oracle.minibatch) < 1e-10, "minibatch \(minibatch) vs numpy \(oracle.minibatch)")
    #expect(abs(debiased - oracle.debiased) < 1e-10, "debiased \(debiased) vs numpy \(oracle.debiased)")
  }

  @Test func rejectsSmallAndUnequalBatches() throws {
    var estimator = MinibatchCKA()
    #expect(throws: CKAError.batchTooSmall(3)) {
      try estimator.add(x: [Float](repeating: 1, count: 6), xWidth: 2, y: [1, 2, 3], yWidth: 1)
    }
    var random = Seeded(state: 5)
    try estimator.add(x: random.matrix(5, 2), xWidth: 2, y: random.matrix(5, 2), yWidth: 2)
    #expect(throws: CKAError.unequalBatches(expected: 5, got: 6)) {
      try estimator.add(x: random.matrix(6, 2), xWidth: 2, y: random.matrix(6, 2), yWidth: 2)
    }
  }

  @Test func zeroVarianceGivesNaNWithAReason() throws {
    var random = Seeded(state: 6)
    let constant = [Float](repeating: 0.25, count: 8 * 3)
    let result = try cka([(random.matrix(8, 4), constant)], xWidth: 4, yWidth: 3)
    #expect(result.value.isNaN)
    #expect(result.reason?.contains("second representation has no variance") == true,
            "\(result.reason ?? "no reason")")
  }
}

struct OracleResult { let minibatch: Double; let debiased: Double }

/// Runs Oracles/cka_numpy.py with the `python3` on PATH (pyenv, with numpy).
func runNumPyOracle(_ request: [String: Any]) throws -> OracleResult {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Oracles/cka_numpy.py").path
  let result = try ChildProcess.run("/usr/bin/env", ["python3", script],
                                    input: try JSONSerialization.data(withJSONObject: request))
  let (data, stderr) = (result.output, result.errors)
  guard result.status == 0,
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Double],
        let minibatch = json["minibatch"], let debiased = json["debiased"]
  else {
    Issue.record("numpy oracle failed (python3 with numpy is needed on PATH): \(stderr)")
    throw CancellationError()
  }
  return OracleResult(minibatch: minibatch, debiased: debiased)
}
