import NN
import Tensor

/// Linear CKA, block by block, between the outputs of two networks with the same blocks (the
/// model before and after a task) on the same probe batches: `MinibatchCKA` per block.
public enum BlockCKA {
  /// How a block's output becomes a feature vector per image.
  public enum Features: String, Sendable {
    /// Every value of the map (C·H·W features), as Kornblith et al. compare layers.
    case flatten
    /// The channel means (C features): cheaper, blind to spatial layout.
    case globalAveragePool = "global_average_pool"
  }

  /// One `CKAResult` per block in `namedBlocks` order. Both networks run without recording on
  /// each forward batch; the estimator takes its rows `estimatorBatch` at a time (every forward
  /// batch by default), so forwards can be large for speed while the estimator's batches stay
  /// of one size (≥ 4) that divides them. `observe`, if given, sees every forward batch's
  /// feature rows of every block (its index, before, after), exactly as the estimator gets them:
  /// what an activation export writes.
  public static func compare(_ before: any BlockNetwork, _ after: any BlockNetwork,
                             batches: [Tensor], features: Features = .flatten,
                             estimatorBatch: Int? = nil, context: ComputeContext,
                             observe: ((Int, FeatureRows, FeatureRows) throws -> Void)? = nil)
    throws -> [CKAResult]
  {
    let blocks = before.namedBlocks.map(\.name)
    precondition(after.namedBlocks.map(\.name) == blocks, "CKA between different block lists")
    var estimators = [MinibatchCKA](repeating: MinibatchCKA(), count: blocks.count)
    for batch in batches {
      let x = try outputs(before, batch, features: features, context: context)
      let y = try outputs(after, batch, features: features, context: context)
      let rows = batch.shape[0], step = estimatorBatch ?? rows
      precondition(rows % step == 0, "estimator batches of \(step) do not divide \(rows) images")
      for b in blocks.indices {
        try observe?(b, x[b], y[b])
        for start in stride(from: 0, to: rows, by: step) {
          let (xw, yw) = (x[b].width, y[b].width)
          try estimators[b].add(x: Array(x[b].values[(start * xw)..<((start + step) * xw)]),
                                xWidth: xw,
                                y: Array(y[b].values[(start * yw)..<((start + step) * yw)]),
                                yWidth: yw)
        }
      }
    }
    return estimators.map(\.result)
  }

  /// One block's output on one batch as rows of features, row-major.
  public typealias FeatureRows = (values: [Float], width: Int)

  /// Every block's output as rows of features, copied out of the engine's layout.
  static func outputs(_ network: any BlockNetwork, _ batch: Tensor, features: Features,
                      context: ComputeContext) throws -> [FeatureRows]
  {
    var result: [FeatureRows] = []
    try network.observeBlocks(batch) { _, output in
      let values = try output.scalars(context: context)
      let n = output.shape[0], width = values.count / n
      guard features == .globalAveragePool, output.shape.count == 4 else {
        result.append((values, width))
        return
      }
      let channels = output.shape[1], area = output.shape[2] * output.shape[3]
      var pooled = [Float](repeating: 0, count: n * channels)
      for i in 0..<(n * channels) {
        var sum = 0.0
        for p in 0..<area { sum += Double(values[i * area + p]) }
        pooled[i] = Float(sum / Double(area))
      }
      result.append((pooled, channels))
    }
    return result
  }
}
