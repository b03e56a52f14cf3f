import Dispatch
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
  /// feature rows of every block (its index, before, after) in NCHW order: what an activation
  /// export writes. (The Grams read flattened maps in the engine's own layout where it keeps
  /// each image contiguous: a linear kernel does not depend on the order of the features.)
  public static func compare(_ before: any BlockNetwork, _ after: any BlockNetwork,
                             batches: [Tensor], features: Features = .flatten,
                             estimatorBatch: Int? = nil, context: ComputeContext,
                             observe: ((Int, FeatureRows, FeatureRows) throws -> Void)? = nil)
    throws -> [CKAResult]
  {
    try compareBlocks(before, after, batches: batches, features: features,
                      estimatorBatch: estimatorBatch, matrix: false, context: context,
                      observe: observe).diagonal
  }

  /// CKA per block and, with `matrix`, between every block before and every block after.
  public struct Comparison: Sendable {
    /// Block b before against block b after, in `namedBlocks` order.
    public var diagonal: [CKAResult]
    /// matrix[a][b]: block a before against block b after (nil unless asked for).
    public var matrix: [[CKAResult]]?

    public init(diagonal: [CKAResult], matrix: [[CKAResult]]?) {
      self.diagonal = diagonal
      self.matrix = matrix
    }
  }

  /// `compare`, and with `matrix` the block × block matrix from the same Grams.
  public static func compareBlocks(_ before: any BlockNetwork, _ after: any BlockNetwork,
                                   batches: [Tensor], features: Features = .flatten,
                                   estimatorBatch: Int? = nil, matrix: Bool,
                                   context: ComputeContext,
                                   observe: ((Int, FeatureRows, FeatureRows) throws -> Void)? = nil)
    throws -> Comparison
  {
    let blocks = before.namedBlocks.map(\.name)
    precondition(after.namedBlocks.map(\.name) == blocks, "CKA between different block lists")
    var estimators = [MinibatchCKA](repeating: MinibatchCKA(), count: blocks.count)
    var pairs = matrix ? MinibatchCKAMatrix(rows: blocks.count, columns: blocks.count) : nil
    for batch in batches {
      let x = try outputs(before, batch, features: features, context: context)
      let y = try outputs(after, batch, features: features, context: context)
      let rows = batch.shape[0], step = estimatorBatch ?? rows
      precondition(rows % step == 0, "estimator batches of \(step) do not divide \(rows) images")
      try estimators[0].checkBatch(step)
      if let observe {
        for b in blocks.indices {
          try observe(b, try x[b].plainRows(context: context), try y[b].plainRows(context: context))
        }
      }
      let starts = Array(stride(from: 0, to: rows, by: step))
      let grams = centeredGrams(of: [x, y], blocks: blocks.count, starts: starts, rows: step)
      for b in blocks.indices {
        for s in starts.indices {
          try estimators[b].add(k: grams[0][b][s], l: grams[1][b][s], n: step)
        }
      }
      for s in starts.indices {
        try pairs?.add(k: grams[0].map { $0[s] }, l: grams[1].map { $0[s] }, n: step)
      }
    }
    return Comparison(diagonal: estimators.map(\.result), matrix: pairs?.result)
  }

  /// The instruction set the Gram kernel uses on this CPU (avx512, avx2 or generic).
  public static var kernelInstructionSet: String { Gram.instructionSet }

  /// One block's output on one batch as rows of features, row-major.
  public typealias FeatureRows = (values: [Float], width: Int)

  /// grams[side][block][batch]: every Gram of one forward batch, computed concurrently, one per
  /// worker (largest blocks first, as `namedBlocks` runs from the stem).
  static func centeredGrams(of sides: [[BlockOutput]], blocks: Int, starts: [Int], rows: Int)
    -> [[[[Double]]]]
  {
    let perSide = blocks * starts.count
    let jobs = sides.count * perSide
    var flat = [[Double]](repeating: [], count: jobs)
    flat.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: jobs) { job in
        let block = job / (starts.count * sides.count)
        let s = job / sides.count % starts.count, side = job % sides.count
        out[side * perSide + block * starts.count + s] =
          sides[side][block].centeredGram(from: starts[s], rows: rows)
      }
    }
    return sides.indices.map { side in
      (0..<blocks).map { b in Array(flat[(side * perSide + b * starts.count)...].prefix(starts.count)) }
    }
  }

  /// Every block's output on one batch, as the Grams need it.
  static func outputs(_ network: any BlockNetwork, _ batch: Tensor, features: Features,
                      context: ComputeContext) throws -> [BlockOutput]
  {
    var result: [BlockOutput] = []
    try network.observeBlocks(batch) { _, output in
      let n = output.shape[0]
      if features == .flatten, output.withSampleRows({ _, _ in true }) == true {
        result.append(BlockOutput(tensor: output, rows: nil))
        return
      }
      let values = try output.scalars(context: context)
      let width = values.count / n
      guard features == .globalAveragePool, output.shape.count == 4 else {
        result.append(BlockOutput(tensor: nil, rows: (values, width)))
        return
      }
      let channels = output.shape[1], area = output.shape[2] * output.shape[3]
      var pooled = [Float](repeating: 0, count: n * channels)
      for i in 0..<(n * channels) {
        var sum = 0.0
        for p in 0..<area { sum += Double(values[i * area + p]) }
        pooled[i] = Float(sum / Double(area))
      }
      result.append(BlockOutput(tensor: nil, rows: (pooled, channels)))
    }
    return result
  }

  /// A block's output kept for the Grams: the engine's tensor itself when each image's values
  /// are contiguous in it (no copy), else plain feature rows.
  struct BlockOutput: @unchecked Sendable {
    let tensor: Tensor?
    let rows: FeatureRows?

    func centeredGram(from start: Int, rows count: Int) -> [Double] {
      if let rows {
        return rows.values.withUnsafeBufferPointer {
          Gram.centered($0.baseAddress! + start * rows.width, rows: count, columns: rows.width,
                        rowStride: rows.width, workers: 1)
        }
      }
      return tensor!.withSampleRows { values, width in
        Gram.centered(values + start * width, rows: count, columns: width, rowStride: width,
                      workers: 1)
      }!
    }

    /// The rows in NCHW order, as an export writes them.
    func plainRows(context: ComputeContext) throws -> FeatureRows {
      if let rows { return rows }
      let values = try tensor!.scalars(context: context)
      return (values, values.count / tensor!.shape[0])
    }
  }
}
