import DNNL
import Testing
@testable import Tensor
@testable import TensorReference

/// Shared plumbing for the oneDNN-vs-reference tests: moving values between `RefTensor` (Float64)
/// and `Tensor` (Float32, any layout), and one comparison with one tolerance rule.
enum EngineCheck {
  static let context: ComputeContext = {
    do { return try ComputeContext.shared() } catch { fatalError("no oneDNN engine: \(error)") }
  }()

  /// A Float32 tensor holding `r`, stored in `layout` (plain by default, or e.g. `.nChw8c`).
  static func tensor(_ r: RefTensor, layout: FormatTag? = nil) throws -> Tensor {
    let plain = try Tensor(shape: r.shape, scalars: r.data.map(Float.init), context: context)
    guard let layout else { return plain }
    return try plain.reordered(to: plain.descriptor.with(layout), context: context)
  }

  /// `r` with every element rounded to Float32, for ops whose engine result must be exact.
  static func float32(_ r: RefTensor) -> RefTensor {
    RefTensor(shape: r.shape, data: r.data.map { Double(Float($0)) })
  }

  static func vector(_ values: [Double]) throws -> Tensor {
    try Tensor(shape: [values.count], scalars: values.map(Float.init), context: context)
  }

  static func ref(_ t: Tensor) throws -> RefTensor {
    RefTensor(shape: t.shape, data: try t.scalars(context: context).map(Double.init))
  }

  /// Worst error relative to max(1, |expected|): absolute near zero, relative for large values.
  static func worstError(_ actual: [Double], _ expected: [Double]) -> (error: Double, index: Int) {
    precondition(actual.count == expected.count, "\(actual.count) vs \(expected.count) values")
    var worst = (error: 0.0, index: -1)
    for i in actual.indices {
      let e = abs(actual[i] - expected[i]) / max(1, abs(expected[i]))
      if !(e <= worst.error) { worst = (e.isNaN ? .infinity : e, i) }
    }
    return worst
  }

  /// Expects `actual` (engine) to match `expected` (reference) within `tolerance`.
  static func expectClose(_ actual: Tensor, _ expected: RefTensor, tolerance: Double = 1e-5,
                          _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws
  {
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    try expectClose(try actual.scalars(context: context).map(Double.init), expected.data,
                    tolerance: tolerance, what, sourceLocation: sourceLocation)
  }

  static func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-5,
                          _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws
  {
    let worst = worstError(actual, expected)
    #expect(worst.error <= tolerance,
            "\(what): worst error \(worst.error) at \(worst.index) exceeds \(tolerance)",
            sourceLocation: sourceLocation)
  }
}
