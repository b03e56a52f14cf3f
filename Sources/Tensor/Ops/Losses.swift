import DNNL

#if canImport(Glibc)
import Glibc
#endif

/// Mean softmax cross-entropy over a contiguous range of classes (for example the classes seen so
/// far, or the new classes of a task), with its gradient. Labels are absolute class indices and
/// must lie in `classes`; logits outside the range get zero gradient. Sums in Float64.
public enum SoftmaxCrossEntropy {
  public static func forwardBackward(logits: Tensor, labels: [Int32], classes: Range<Int>,
                                     context: ComputeContext) throws(DNNLError)
    -> (loss: Double, dLogits: Tensor)
  {
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "\(labels.count) labels for a batch of \(n)")
    precondition(classes.lowerBound >= 0 && classes.upperBound <= k, "classes \(classes) of \(k)")
    let plain = try logits.reordered(to: MemoryDescriptor([n, k], .f32, .nc), context: context)
    let grad = try Tensor(zeros: [n, k], context: context)
    let z = plain.memory.floats, g = grad.memory.floats
    var total = 0.0
    for row in 0..<n {
      let label = Int(labels[row])
      precondition(classes.contains(label), "label \(label) outside classes \(classes)")
      let base = row * k
      var maximum = -Double.infinity
      for c in classes { maximum = max(maximum, Double(z[base + c])) }
      var sum = 0.0
      for c in classes { sum += exp(Double(z[base + c]) - maximum) }
      let logSum = maximum + log(sum)
      total += logSum - Double(z[base + label])
      for c in classes {
        let p = exp(Double(z[base + c]) - logSum)
        g[base + c] = Float((p - (c == label ? 1 : 0)) / Double(n))
      }
    }
    return (total / Double(n), grad)
  }
}

/// Knowledge distillation as PyCIL's `_KD_loss` (iCaRL, LwF):
/// L = −Σ softmax(t/T) · log_softmax(z/T) / N, without the T² factor of Hinton et al.
/// The targets are constants; the gradient is (softmax(z/T) − softmax(t/T)) / (N·T).
public enum Distillation {
  public static func forwardBackward(logits: Tensor, targets: Tensor, temperature: Double,
                                     context: ComputeContext) throws(DNNLError)
    -> (loss: Double, dLogits: Tensor)
  {
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(targets.shape == logits.shape, "targets \(targets.shape) vs \(logits.shape)")
    let plainZ = try logits.reordered(to: MemoryDescriptor([n, k], .f32, .nc), context: context)
    let plainT = try targets.reordered(to: MemoryDescriptor([n, k], .f32, .nc), context: context)
    let grad = try Tensor(zeros: [n, k], context: context)
    let z = plainZ.memory.floats, t = plainT.memory.floats, g = grad.memory.floats
    var total = 0.0
    var logP = [Double](repeating: 0, count: k), q = [Double](repeating: 0, count: k)
    for row in 0..<n {
      let base = row * k
      logSoftmax(z, base, k, temperature, into: &logP)
      logSoftmax(t, base, k, temperature, into: &q)
      for c in 0..<k {
        let target = exp(q[c]), p = exp(logP[c])
        total -= target * logP[c]
        g[base + c] = Float((p - target) / (Double(n) * temperature))
      }
    }
    return (total / Double(n), grad)
  }

  /// log softmax(x/T) of one row, stable: x/T − max − log Σ exp(x/T − max).
  private static func logSoftmax(_ x: UnsafeMutableBufferPointer<Float>, _ base: Int, _ k: Int,
                                 _ temperature: Double, into out: inout [Double])
  {
    var maximum = -Double.infinity
    for c in 0..<k { maximum = max(maximum, Double(x[base + c]) / temperature) }
    var sum = 0.0
    for c in 0..<k { sum += exp(Double(x[base + c]) / temperature - maximum) }
    let logSum = maximum + log(sum)
    for c in 0..<k { out[c] = Double(x[base + c]) / temperature - logSum }
  }
}
