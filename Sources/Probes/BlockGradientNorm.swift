import NN

/// One block's gradient norm in the three forms of DESIGN ("Probes: what is measured"), over
/// its trainable parameters:
/// - `raw`: ‖∇θ_b L‖₂ — rises with depth in the MEMO paper's Figure 1;
/// - `relative`: ‖∇θ_b L‖₂ / ‖θ_b‖₂ — the step a unit learning rate would take relative to the
///   block's size, comparable across blocks of different width;
/// - `sizeNormalized`: ‖∇θ_b L‖₂ / √|θ_b| — the per-parameter RMS gradient. Caveat: with batch
///   norm after He-initialized convolutions the per-filter gradient is similar in every layer,
///   so this falls as 1/√fan-in and the stem (fan-in 9 or 27) looks most plastic by
///   construction. Kept, labelled, for comparison with earlier files.
/// A parameter without a gradient (none accumulated yet) counts as a zero gradient. Sums in
/// Float64. NaN for a block without trainable parameters (and `relative` for a zero ‖θ_b‖).
public struct BlockGradientNorm: Sendable, Equatable {
  public let raw: Double
  public let relative: Double
  public let sizeNormalized: Double

  /// `parameters`: the block's trainable parameters' values and their gradients (nil: none).
  public init(_ parameters: [(values: [Float], gradient: [Float]?)]) {
    var gradientSquares = 0.0, valueSquares = 0.0, count = 0
    for (values, gradient) in parameters {
      precondition(gradient == nil || gradient!.count == values.count,
                   "a gradient of \(gradient!.count) values for \(values.count) parameters")
      count += values.count
      for v in values { valueSquares += Double(v) * Double(v) }
      for g in gradient ?? [] { gradientSquares += Double(g) * Double(g) }
    }
    let norm = gradientSquares.squareRoot()
    raw = count > 0 ? norm : .nan
    relative = valueSquares > 0 ? norm / valueSquares.squareRoot() : .nan
    sizeNormalized = count > 0 ? norm / Double(count).squareRoot() : .nan
  }

  /// The norms of `block`'s trainable parameters now (after backward, before the step).
  public init(of block: any Module) {
    self.init(block.parameters.filter(\.isTrainable).map { p in
      (p.scalars, p.gradient.map { Array($0.memory.floats.prefix(p.count)) })
    })
  }
}
