import Recording

/// The raw per-block sensitivities of a probe run, one value per metric, task and block, NaN
/// where nothing usable was measured, with a note saying why for each missing value.
public struct BlockSensitivities: Sendable {
  /// Every block in forward order, the head (if any) last.
  public let blocks: [String]
  /// 1-based tasks (t ≥ 1).
  public let tasks: [Int]
  /// [metric][task][block], metrics in `SensitivityMetric.allCases` order.
  public let values: [[[Double]]]
  /// Why values are missing ("1-cka_old at task 2, stage1.block1: …").
  public let notes: [String]

  /// The blocks a split can fall in: all but a final `head`, which is a classifier and always
  /// specialized.
  public var bodyCount: Int { blocks.last == "head" ? blocks.count - 1 : blocks.count }
  public var bodyBlocks: ArraySlice<String> { blocks.prefix(bodyCount) }

  /// Values as given (tests, other front ends): `values[metric][task][block]`.
  public init(blocks: [String], tasks: [Int], values: [[[Double]]], notes: [String] = []) {
    precondition(values.count == SensitivityMetric.allCases.count, "one table per metric")
    precondition(values.allSatisfy { $0.count == tasks.count && $0.allSatisfy {
      $0.count == blocks.count } }, "values must be [metric][task][block]")
    self.blocks = blocks
    self.tasks = tasks
    self.values = values
    self.notes = notes
  }

  /// The sensitivities recorded in a probe file: the gradient norm averaged over the epochs
  /// each task ran, the parameter shift over the task, and 1 − CKA on `probeSet` images.
  /// A file without tasks or with fewer than two body blocks is an error naming it.
  public init(_ record: ProbeRecord, probeSet: CKAProbeSet) throws {
    guard !record.tasks.isEmpty else {
      throw SplitError(file: record.path, message: "no tasks recorded (a split needs at least "
                       + "task 1, the first task after the base task)")
    }
    let cka = probeSet == .old ? record.ckaOld : record.ckaNew
    let ckaNotes = probeSet == .old ? record.ckaOldNote : record.ckaNewNote
    let gradient = record.gradientNormNormalized.map { epochs in
      record.blocks.indices.map { b in meanIgnoringNaN(epochs.map { $0[b] }) }
    }
    let values = [gradient, record.shift, cka.map { $0.map { 1 - $0 } }]
    var notes: [String] = []
    for (m, metric) in SensitivityMetric.allCases.enumerated() {
      for (i, task) in record.tasks.enumerated() {
        for (b, block) in record.blocks.enumerated() where !values[m][i][b].isFinite {
          let reason = metric == .representation && !ckaNotes[i][b].isEmpty
            ? ckaNotes[i][b] : "not a finite value in the probe file"
          notes.append("\(metric.name(probeSet)) at task \(task), \(block): \(reason); left out")
        }
      }
    }
    self.init(blocks: record.blocks, tasks: record.tasks,
              values: values.map { $0.map { $0.map { $0.isFinite ? $0 : .nan } } }, notes: notes)
    guard bodyCount >= 2 else {
      throw SplitError(file: record.path, message: "\(bodyCount) body block(s) "
                       + "(\(blocks.joined(separator: ", "))); a split needs at least two")
    }
  }
}

/// A split analysis that cannot go on, naming the file and what is wrong.
public struct SplitError: Error, CustomStringConvertible, Sendable {
  public let file: String
  public let message: String

  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
