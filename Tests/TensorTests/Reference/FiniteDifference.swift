import Tensor
import Testing
@testable import TensorReference

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The shared gradient checker of the reference ops (the role of tinygrad's `helper_test_op`):
/// central finite differences in Float64 and a relative-error comparison that names the worst
/// element.
enum FiniteDifference {
  /// The default step: the relative error of a central difference is about
  /// h²·|f'''| (truncation) + ε·|f|/h (rounding), both far below 1e-6 for h = 1e-6.
  static let defaultStep = 1e-6

  /// The central-difference gradient of `f` at `x`:
  /// `(f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (2hᵢ)` with `hᵢ = step · max(1, |xᵢ|)`: the step grows
  /// with large entries, so it stays well above their rounding.
  static func gradient(
    of f: (RefTensor) -> Double, at x: RefTensor, step: Double = defaultStep
  ) -> RefTensor {
    var gradient = RefTensor(zeros: x.shape)
    var probe = x
    for i in 0..<x.count {
      let h = step * max(1, abs(x.data[i]))
      // Divide by the distance actually stepped (x ± h rounds), not by 2h.
      let up = x.data[i] + h
      let down = x.data[i] - h
      probe.data[i] = up
      let fUp = f(probe)
      probe.data[i] = down
      let fDown = f(probe)
      probe.data[i] = x.data[i]
      gradient.data[i] = (fUp - fDown) / (up - down)
    }
    return gradient
  }

  /// The worst relative error `|a − b| / max(1, |a|, |b|)` between two tensors of one shape,
  /// with the index where it occurs.
  static func compare(_ analytic: RefTensor, _ numeric: RefTensor) -> GradientComparison {
    precondition(
      analytic.shape == numeric.shape,
      "compare: analytic shape \(analytic.shape) differs from numeric \(numeric.shape)")
    var worst = GradientComparison(
      worstRelativeError: 0, worstIndex: [], analytic: .nan, numeric: .nan)
    for i in 0..<analytic.count {
      let (a, b) = (analytic.data[i], numeric.data[i])
      let error = abs(a - b) / max(1, abs(a), abs(b))
      // `!(error <= worst)` also catches NaN, which must never pass.
      if !(error <= worst.worstRelativeError) || worst.worstIndex.isEmpty {
        worst = GradientComparison(
          worstRelativeError: error.isNaN ? .infinity : error,
          worstIndex: analytic.index(ofOffset: i), analytic: a, numeric: b)
      }
    }
    return worst
  }

  /// Compares `analytic` with the finite-difference gradient of `f` at `x`, records a test
  /// issue naming `name` if the worst relative error exceeds `tolerance`, and returns the
  /// comparison. Setting STRATA_FD_VERBOSE=1 prints every comparison.
  @discardableResult
  static func check(
    _ name: String, analytic: RefTensor, at x: RefTensor, tolerance: Double,
    step: Double = defaultStep, sourceLocation: SourceLocation = #_sourceLocation,
    _ f: (RefTensor) -> Double
  ) -> GradientComparison {
    let numeric = gradient(of: f, at: x, step: step)
    let result = compare(analytic, numeric)
    report(name, result)
    #expect(
      result.worstRelativeError <= tolerance,
      "\(name): \(result) exceeds tolerance \(tolerance)", sourceLocation: sourceLocation)
    return result
  }

  /// `check` for a parameter vector (γ, β, a bias).
  @discardableResult
  static func check(
    _ name: String, analytic: [Double], at x: [Double], tolerance: Double,
    step: Double = defaultStep, sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Double]) -> Double
  ) -> GradientComparison {
    check(
      name, analytic: RefTensor(shape: [analytic.count], data: analytic),
      at: RefTensor(shape: [x.count], data: x), tolerance: tolerance, step: step,
      sourceLocation: sourceLocation
    ) { f($0.data) }
  }

  /// The random projection loss `L = Σ dy ⊙ y`, which turns an op with a tensor output into a
  /// scalar whose gradient with respect to the output is exactly `dy`; so `backward(dy)` must
  /// equal ∂L/∂input.
  static func projection(_ y: RefTensor, onto dy: RefTensor) -> Double {
    precondition(y.shape == dy.shape, "projection: shapes \(y.shape) and \(dy.shape) differ")
    var sum = 0.0
    for i in 0..<y.count { sum += y.data[i] * dy.data[i] }
    return sum
  }

  private static func report(_ name: String, _ result: GradientComparison) {
    if verbose { print("FD \(name): \(result)") }
  }

  private static let verbose: Bool = {
    guard let value = getenv("STRATA_FD_VERBOSE") else { return false }
    return String(cString: value) == "1"
  }()
}

/// The outcome of comparing an analytic gradient with a numeric one.
struct GradientComparison: CustomStringConvertible {
  var worstRelativeError: Double
  var worstIndex: [Int]
  var analytic: Double
  var numeric: Double

  var description: String {
    "worst relative error \(worstRelativeError) at \(worstIndex) (analytic \(analytic), numeric \(numeric))"
  }
}
