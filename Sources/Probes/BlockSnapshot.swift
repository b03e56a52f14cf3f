import NN

/// Every block's state at one moment (end of a task, start of an epoch): its parameters as one
/// vector and its batch-norm running statistics as another, in `namedBlocks` order.
public struct BlockSnapshot: Sendable {
  public let blocks: [String]
  public let parameters: [[Float]]
  public let statistics: [[Float]]

  public init(_ network: any BlockNetwork) {
    let named = network.namedBlocks
    blocks = named.map(\.name)
    parameters = named.map { $0.block.parameters.flatMap(\.scalars) }
    statistics = named.map { block in
      block.block.namedBuffers().flatMap { Array($0.tensor.memory.floats.prefix($0.tensor.count)) }
    }
  }
}

/// How far a block moved between two snapshots.
public struct ParameterShift: Sendable, Equatable {
  /// ‖θ(t) − θ(t−1)‖₂ / ‖θ(t−1)‖₂ over the block's parameters.
  public let relative: Double
  /// 1 − cos(θ(t), θ(t−1)).
  public let cosineDistance: Double
  /// The relative shift of the running statistics (NaN for a block without batch norm).
  public let statisticsRelative: Double

  public init(relative: Double, cosineDistance: Double, statisticsRelative: Double) {
    self.relative = relative
    self.cosineDistance = cosineDistance
    self.statisticsRelative = statisticsRelative
  }
}

extension BlockSnapshot {
  /// Per block, the shift from `self` (earlier) to `later`; sums in Float64.
  public func shift(to later: BlockSnapshot) -> [ParameterShift] {
    precondition(blocks == later.blocks, "snapshots of different networks: \(blocks) vs \(later.blocks)")
    return blocks.indices.map { b in
      let (relative, cosine) = Self.compare(parameters[b], later.parameters[b])
      let (statistics, _) = Self.compare(self.statistics[b], later.statistics[b])
      return ParameterShift(relative: relative, cosineDistance: cosine,
                            statisticsRelative: statistics)
    }
  }

  /// (‖b − a‖/‖a‖, 1 − a·b/(‖a‖‖b‖)); NaN for empty vectors or a zero norm.
  static func compare(_ a: [Float], _ b: [Float]) -> (relative: Double, cosineDistance: Double) {
    precondition(a.count == b.count, "vectors of \(a.count) and \(b.count) values")
    guard !a.isEmpty else { return (.nan, .nan) }
    var difference = 0.0, normA = 0.0, normB = 0.0, dot = 0.0
    for i in a.indices {
      let x = Double(a[i]), y = Double(b[i])
      difference += (y - x) * (y - x)
      normA += x * x
      normB += y * y
      dot += x * y
    }
    return (difference.squareRoot() / normA.squareRoot(),
            1 - dot / (normA.squareRoot() * normB.squareRoot()))
  }
}
