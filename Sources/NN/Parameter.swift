import DNNL
import Tensor

/// A trainable tensor: its value (plain layout, `[O, I, KH, KW]` for convolutions), the gradient
/// accumulated since the last `zeroGradient()`, and whether it is trained at all.
///
/// Frozen parameters (`isTrainable == false`) receive no gradient, and the layers that own them
/// skip their backward-weights work.
public final class Parameter: @unchecked Sendable {
  public let value: Tensor
  public private(set) var gradient: Tensor?
  public var isTrainable = true
  /// Bumped whenever the values change, so layers can cache copies in other layouts.
  public private(set) var version = 0

  /// Call after writing into `value` directly (an optimizer step, a checkpoint load).
  public func markModified() { version &+= 1 }

  public init(_ value: Tensor) {
    precondition(value.isPlain, "parameters are kept in the plain layout")
    self.value = value
  }

  public var shape: [Int] { value.shape }
  public var count: Int { value.count }

  /// Adds `g` (any layout) to the gradient. Takes ownership of `g`: ops return fresh gradient
  /// tensors, so the first one of a step is adopted without a copy.
  public func accumulate(_ g: Tensor, context: ComputeContext) throws(DNNLError) {
    precondition(g.shape == value.shape, "gradient \(g.shape) for parameter \(value.shape)")
    let plain = try g.reordered(to: value.descriptor, context: context)
    guard let gradient else {
      gradient = plain
      return
    }
    let sum = gradient.memory.floats, add = plain.memory.floats
    for i in 0..<count { sum[i] += add[i] }
  }

  public func zeroGradient() { gradient = nil }

  /// A copy of the values in row-major order.
  public var scalars: [Float] { Array(value.memory.floats.prefix(count)) }

  /// Overwrites the values (row-major order), e.g. from a checkpoint or another framework.
  public func load(_ scalars: [Float]) {
    precondition(scalars.count == count, "\(scalars.count) values for a parameter of \(shape)")
    _ = value.memory.floats.initialize(from: scalars)
    markModified()
  }
}
