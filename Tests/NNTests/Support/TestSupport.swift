import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// Shared plumbing of the NN tests: the compute context, seeded fixtures, moving values between
/// the engine (`Tensor`, `Parameter`, Float32) and the reference (`RefTensor`, Float64), and the
/// error measures every comparison uses.
enum NNTest {
  static let context: ComputeContext = {
    do { return try ComputeContext.shared() } catch { fatalError("no oneDNN engine: \(error)") }
  }()

  /// A plain Float32 tensor holding `r`, rounded to Float32.
  static func tensor(_ r: RefTensor) throws -> Tensor {
    try Tensor(shape: r.shape, scalars: r.data.map(Float.init), context: context)
  }

  /// The values of an engine tensor (any layout) as a reference tensor.
  static func ref(_ t: Tensor) throws -> RefTensor {
    RefTensor(shape: t.shape, data: try t.scalars(context: context).map(Double.init))
  }

  /// Every parameter of `module` by its dotted name, in Float64.
  static func parameters(of module: any Module) -> [String: RefTensor] {
    Dictionary(uniqueKeysWithValues: module.namedParameters().map {
      ($0.name, RefTensor(shape: $0.parameter.shape, data: $0.parameter.scalars.map(Double.init)))
    })
  }

  /// Every buffer (BN running statistics) of `module` by its dotted name, in Float64.
  static func buffers(of module: any Module) throws -> [String: [Double]] {
    var result: [String: [Double]] = [:]
    for (name, tensor) in module.namedBuffers() {
      result[name] = try tensor.scalars(context: context).map(Double.init)
    }
    return result
  }

  /// Every accumulated gradient of `module` by name; parameters without one are absent.
  static func gradients(of module: any Module) throws -> [String: RefTensor] {
    var result: [String: RefTensor] = [:]
    for (name, parameter) in module.namedParameters() {
      if let g = parameter.gradient { result[name] = try ref(g) }
    }
    return result
  }
}

/// Error measures. `elementwise` is the worst |a − b| / max(1, |b|) (absolute near zero,
/// relative for large values); `norm` is ‖a − b‖ / ‖b‖ over a whole tensor, which stays
/// meaningful for tensors whose entries are all small (the gradients of a mean loss).
struct Discrepancy: CustomStringConvertible {
  var elementwise: Double
  var worstIndex: Int
  var norm: Double

  init(_ actual: [Double], _ expected: [Double]) {
    precondition(actual.count == expected.count, "\(actual.count) vs \(expected.count) values")
    var worst = 0.0, index = -1
    var difference = 0.0, reference = 0.0
    for i in actual.indices {
      let e = abs(actual[i] - expected[i]) / max(1, abs(expected[i]))
      // `!(e <= worst)` also catches NaN, which must never pass.
      if !(e <= worst) || index < 0 { (worst, index) = (e.isNaN ? .infinity : e, i) }
      difference += (actual[i] - expected[i]) * (actual[i] - expected[i])
      reference += expected[i] * expected[i]
    }
    elementwise = worst
    worstIndex = index
    let ratio = difference.squareRoot() / max(reference.squareRoot(), .leastNormalMagnitude)
    norm = ratio.isNaN ? .infinity : ratio
  }

  var description: String {
    "elementwise \(String(format: "%.3g", elementwise)) at \(worstIndex), "
      + "norm \(String(format: "%.3g", norm))"
  }
}

/// Collects named discrepancies, expects each within tolerance, and keeps the worst for the
/// printed summary.
struct DiscrepancyLog {
  let title: String
  private(set) var entries: [(name: String, discrepancy: Discrepancy)] = []

  init(_ title: String) { self.title = title }

  /// Compares `actual` with `expected` and expects both measures within `tolerance`
  /// (`normTolerance` for ‖a − b‖/‖b‖ if given).
  mutating func check(_ name: String, _ actual: [Double], _ expected: [Double],
                      tolerance: Double, normTolerance: Double? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation)
  {
    let d = Discrepancy(actual, expected)
    entries.append((name, d))
    #expect(d.elementwise <= tolerance,
            "\(title) \(name): \(d) exceeds \(tolerance)", sourceLocation: sourceLocation)
    #expect(d.norm <= (normTolerance ?? tolerance),
            "\(title) \(name): \(d) exceeds norm tolerance \(normTolerance ?? tolerance)",
            sourceLocation: sourceLocation)
  }

  mutating func check(_ name: String, _ actual: RefTensor, _ expected: RefTensor,
                      tolerance: Double, normTolerance: Double? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation)
  {
    #expect(actual.shape == expected.shape,
            "\(title) \(name): shape \(actual.shape) vs \(expected.shape)",
            sourceLocation: sourceLocation)
    check(name, actual.data, expected.data, tolerance: tolerance,
          normTolerance: normTolerance, sourceLocation: sourceLocation)
  }

  /// Records a discrepancy without expecting anything (numbers that are only reported).
  mutating func note(_ name: String, _ actual: [Double], _ expected: [Double]) {
    guard actual.count == expected.count, !actual.isEmpty else { return }
    entries.append((name, Discrepancy(actual, expected)))
  }

  var worstElementwise: (name: String, discrepancy: Discrepancy)? {
    entries.max { $0.discrepancy.elementwise < $1.discrepancy.elementwise }
  }

  var worstNorm: (name: String, discrepancy: Discrepancy)? {
    entries.max { $0.discrepancy.norm < $1.discrepancy.norm }
  }

  /// One line: the worst elementwise and the worst norm error and where they occur.
  var summary: String {
    guard let e = worstElementwise, let n = worstNorm else { return "\(title): nothing compared" }
    return "\(title): \(entries.count) tensors; worst elementwise "
      + "\(String(format: "%.3g", e.discrepancy.elementwise)) (\(e.name)), worst norm "
      + "\(String(format: "%.3g", n.discrepancy.norm)) (\(n.name))"
  }
}

extension Module {
  /// Gives every batch norm a random γ ∈ [0.5, 1.5] and β ∈ [−0.3, 0.3] (Float32 values), so
  /// a mix-up between two batch norms or between γ and β cannot hide behind γ = 1, β = 0.
  func randomizeBatchNorms(_ random: inout SeededRandom) {
    for (name, parameter) in namedParameters() {
      let parts = name.split(separator: ".")
      guard parts.count >= 2, parts[parts.count - 2].hasPrefix("bn") else { continue }
      let (low, high) = parts.last == "weight" ? (0.5, 1.5) : (-0.3, 0.3)
      parameter.load(random.values(parameter.count, low, high).map(Float.init))
    }
  }
}

/// A relative finite-difference error that is relative above 1e-3 and absolute (scaled by 1e-3)
/// below: |a − n| / max(1e-3, |a|, |n|).
func finiteDifferenceError(_ analytic: Double, _ numeric: Double) -> Double {
  let e = abs(analytic - numeric) / max(1e-3, abs(analytic), abs(numeric))
  return e.isNaN ? .infinity : e
}

/// The central difference of `f` in entry `index` of parameter `name`:
/// (f(θ + h eᵢ) − f(θ − h eᵢ)) / (2h), h = step · max(1, |θᵢ|), divided by the distance actually
/// stepped.
func centralDifference(_ parameters: [String: RefTensor], _ name: String, _ index: Int,
                       step: Double = 1e-6, _ f: ([String: RefTensor]) -> Double) -> Double
{
  var probe = parameters
  let value = parameters[name]!.data[index]
  let h = step * max(1, abs(value))
  let (up, down) = (value + h, value - h)
  probe[name]!.data[index] = up
  let fUp = f(probe)
  probe[name]!.data[index] = down
  let fDown = f(probe)
  return (fUp - fDown) / (up - down)
}
