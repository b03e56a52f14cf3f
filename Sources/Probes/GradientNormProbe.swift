import NN

/// Block-wise gradient norms, ‖∇θ_b L‖₂ over the trainable parameters of each block, and the
/// size-normalized ‖∇θ_b L‖₂ / √|θ_b|, averaged over the iterations recorded since `reset()`
/// (one epoch, in the probe run). Call `record` after backward and before the optimizer step.
public struct GradientNormProbe: Sendable {
  public let blocks: [String]
  private var sums: [Double]
  private var normalizedSums: [Double]
  public private(set) var iterations = 0

  public init(blocks: [String]) {
    self.blocks = blocks
    sums = Array(repeating: 0, count: blocks.count)
    normalizedSums = sums
  }

  public mutating func record(_ network: any BlockNetwork) {
    let named = network.namedBlocks
    precondition(named.map(\.name) == blocks, "gradient norms of another network")
    for (b, entry) in named.enumerated() {
      var squares = 0.0, count = 0
      for parameter in entry.block.parameters where parameter.isTrainable {
        count += parameter.count
        guard let gradient = parameter.gradient else { continue }
        for g in gradient.memory.floats.prefix(parameter.count) { squares += Double(g) * Double(g) }
      }
      let norm = squares.squareRoot()
      sums[b] += norm
      normalizedSums[b] += count > 0 ? norm / Double(count).squareRoot() : 0
    }
    iterations += 1
  }

  /// Mean over the recorded iterations, per block (NaN before any).
  public var means: [(norm: Double, normalized: Double)] {
    let n = Double(iterations)
    return blocks.indices.map { (sums[$0] / n, normalizedSums[$0] / n) }
  }

  public mutating func reset() {
    sums = Array(repeating: 0, count: blocks.count)
    normalizedSums = sums
    iterations = 0
  }
}
