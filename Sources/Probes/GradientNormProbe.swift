import NN

/// Block-wise gradient norms, ‖∇θ_b L‖₂ over the trainable parameters of each block, and the
/// size-normalized ‖∇θ_b L‖₂ / √|θ_b|, averaged over the iterations recorded since `reset()`
/// (one epoch, in the probe run), and ‖∇θ_b L‖₂ / ‖θ_b‖₂ (`BlockGradientNorm.relative`). Call
/// `record` after backward and before the optimizer step.
public struct GradientNormProbe: Sendable {
  public let blocks: [String]
  private var sums: [Double]
  private var normalizedSums: [Double]
  private var relativeSums: [Double]
  public private(set) var iterations = 0

  public init(blocks: [String]) {
    self.blocks = blocks
    sums = Array(repeating: 0, count: blocks.count)
    normalizedSums = sums
    relativeSums = sums
  }

  public mutating func record(_ network: any BlockNetwork) {
    let named = network.namedBlocks
    precondition(named.map(\.name) == blocks, "gradient norms of another network")
    for (b, entry) in named.enumerated() {
      let norm = BlockGradientNorm(of: entry.block)
      // A block without trainable parameters adds 0, as before the relative norm existed.
      sums[b] += norm.raw.isNaN ? 0 : norm.raw
      normalizedSums[b] += norm.sizeNormalized.isNaN ? 0 : norm.sizeNormalized
      relativeSums[b] += norm.relative
    }
    iterations += 1
  }

  /// Mean over the recorded iterations, per block (NaN before any).
  public var means: [(norm: Double, normalized: Double)] {
    let n = Double(iterations)
    return blocks.indices.map { (sums[$0] / n, normalizedSums[$0] / n) }
  }

  /// Mean ‖∇θ_b L‖₂ / ‖θ_b‖₂ over the recorded iterations, per block (NaN before any, or for a
  /// block whose parameters are all zero).
  public var relativeMeans: [Double] {
    relativeSums.map { $0 / Double(iterations) }
  }

  public mutating func reset() {
    sums = Array(repeating: 0, count: blocks.count)
    normalizedSums = sums
    relativeSums = sums
    iterations = 0
  }
}
