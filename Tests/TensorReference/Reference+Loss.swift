#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension Reference {
  /// Mean softmax cross-entropy over a contiguous slice of the logits (PyTorch's
  /// `F.cross_entropy(logits[:, classes], labels - classes.lowerBound)`):
  ///
  ///     L = (1/N) Σ_n [ log Σ_{k ∈ classes} exp(z[n, k]) − z[n, labels[n]] ]
  ///
  /// `logits` is [N, K]; `classes` selects the outputs that take part (all K, or e.g. only the
  /// classes seen so far, or a task's own classes); the others are ignored. Labels are ABSOLUTE
  /// class indices (columns of `logits`) and must lie in `classes`. The log-sum-exp subtracts
  /// the row maximum first, so large logits do not overflow.
  public static func softmaxCrossEntropy(logits: RefTensor, labels: [Int], classes: Range<Int>)
    -> Double
  {
    let k = checkCrossEntropy(
      logits: logits, labels: labels, classes: classes, op: "softmaxCrossEntropy")
    var total = 0.0
    for n in labels.indices {
      let row = Array(logits.data[(n * k + classes.lowerBound)..<(n * k + classes.upperBound)])
      total += logSumExp(row) - logits.data[n * k + labels[n]]
    }
    return total / Double(labels.count)
  }

  /// The gradient of `softmaxCrossEntropy` with respect to the logits:
  /// `(softmax(z[n, classes])_k − [k = labels[n]]) / N` for k in `classes`, and exactly 0 for
  /// every column outside the slice (those logits do not enter the loss).
  public static func softmaxCrossEntropyBackward(
    logits: RefTensor, labels: [Int], classes: Range<Int>
  ) -> RefTensor {
    let k = checkCrossEntropy(
      logits: logits, labels: labels, classes: classes, op: "softmaxCrossEntropyBackward")
    let scale = 1 / Double(labels.count)
    var dLogits = RefTensor(zeros: logits.shape)
    for n in labels.indices {
      let row = Array(logits.data[(n * k + classes.lowerBound)..<(n * k + classes.upperBound)])
      let probabilities = softmax(row)
      for (j, column) in classes.enumerated() {
        let target = column == labels[n] ? 1.0 : 0.0
        dLogits.data[n * k + column] = (probabilities[j] - target) * scale
      }
    }
    return dLogits
  }

  /// Knowledge distillation as PyCIL's `_KD_loss` (iCaRL, LwF; Hinton et al. 2015):
  ///
  ///     L = −(1/N) Σ_n Σ_k softmax(t[n]/T)_k · log_softmax(z[n]/T)_k
  ///
  /// `logits` z and `targets` t (the old model's logits) are both [N, K]; the targets are
  /// constants. Note: unlike Hinton et al., and like PyCIL, there is NO T² factor, so the
  /// gradient shrinks as 1/T.
  public static func distillation(logits: RefTensor, targets: RefTensor, temperature: Double)
    -> Double
  {
    let k = checkDistillation(
      logits: logits, targets: targets, temperature: temperature, op: "distillation")
    let n = logits.shape[0]
    var total = 0.0
    for row in 0..<n {
      let p = softmax(scaledRow(targets, row, k, by: 1 / temperature))
      let logQ = logSoftmax(scaledRow(logits, row, k, by: 1 / temperature))
      for j in 0..<k { total -= p[j] * logQ[j] }
    }
    return total / Double(n)
  }

  /// The gradient of `distillation` with respect to the logits only:
  /// `(softmax(z/T) − softmax(t/T)) / (N·T)`, since Σ_k softmax(t/T)_k = 1.
  public static func distillationBackward(
    logits: RefTensor, targets: RefTensor, temperature: Double
  ) -> RefTensor {
    let k = checkDistillation(
      logits: logits, targets: targets, temperature: temperature, op: "distillationBackward")
    let n = logits.shape[0]
    let scale = 1 / (Double(n) * temperature)
    var dLogits = RefTensor(zeros: logits.shape)
    for row in 0..<n {
      let p = softmax(scaledRow(targets, row, k, by: 1 / temperature))
      let q = softmax(scaledRow(logits, row, k, by: 1 / temperature))
      for j in 0..<k { dLogits.data[row * k + j] = (q[j] - p[j]) * scale }
    }
    return dLogits
  }

  /// `log Σ exp(v)`, computed as `max + log Σ exp(v − max)` so no term overflows.
  public static func logSumExp(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "logSumExp: needs at least one value")
    let largest = values.max()!
    if largest == -.infinity { return -.infinity }
    var sum = 0.0
    for value in values { sum += exp(value - largest) }
    return largest + log(sum)
  }

  /// `softmax(v)_k = exp(v_k − logSumExp(v))`.
  public static func softmax(_ values: [Double]) -> [Double] {
    let normalizer = logSumExp(values)
    return values.map { exp($0 - normalizer) }
  }

  /// `log_softmax(v)_k = v_k − logSumExp(v)`.
  public static func logSoftmax(_ values: [Double]) -> [Double] {
    let normalizer = logSumExp(values)
    return values.map { $0 - normalizer }
  }

  /// Row `row` of an [N, K] tensor times `factor`.
  private static func scaledRow(_ x: RefTensor, _ row: Int, _ k: Int, by factor: Double) -> [Double]
  {
    x.data[(row * k)..<((row + 1) * k)].map { $0 * factor }
  }

  /// Checks the arguments of the cross-entropy pair; returns K.
  private static func checkCrossEntropy(
    logits: RefTensor, labels: [Int], classes: Range<Int>, op: String
  ) -> Int {
    precondition(logits.rank == 2, "\(op): logits must be [N, K], got shape \(logits.shape)")
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "\(op): \(labels.count) labels for \(n) rows of logits")
    precondition(n > 0, "\(op): the mean over an empty batch is undefined")
    precondition(
      !classes.isEmpty && classes.lowerBound >= 0 && classes.upperBound <= k,
      "\(op): classes \(classes) must be a non-empty range inside 0..<\(k)")
    for label in labels {
      precondition(
        classes.contains(label), "\(op): label \(label) lies outside the classes \(classes)")
    }
    return k
  }

  /// Checks the arguments of the distillation pair; returns K.
  private static func checkDistillation(
    logits: RefTensor, targets: RefTensor, temperature: Double, op: String
  ) -> Int {
    precondition(logits.rank == 2, "\(op): logits must be [N, K], got shape \(logits.shape)")
    precondition(
      targets.shape == logits.shape,
      "\(op): targets have shape \(targets.shape), logits \(logits.shape)")
    precondition(logits.shape[0] > 0 && logits.shape[1] > 0, "\(op): empty logits \(logits.shape)")
    precondition(temperature > 0, "\(op): temperature \(temperature) must be positive")
    return logits.shape[1]
  }
}
