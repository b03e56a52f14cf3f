import Tensor

/// Training stopped because the loss was NaN or infinite.
public struct NonFiniteLossError: Error, CustomStringConvertible {
  public let step: Int
  public let loss: Double
  /// The first block (forward order) whose output holds a NaN or ±∞, or nil when every block's
  /// output is finite and the loss itself overflowed.
  public let block: String?

  public var description: String {
    let place = block.map { "the first block with a non-finite output is \($0)" }
      ?? "every block output is finite (the loss itself overflowed)"
    return "training stopped at step \(step): loss is \(loss); \(place)"
  }
}

extension Tensor {
  /// True when every value is finite (padding of blocked layouts is zero, so it cannot hide one).
  public var isFinite: Bool {
    memory.floats.allSatisfy { $0.isFinite }
  }
}

extension ResNet {
  /// Re-runs the forward pass without recording and names the first block whose output is not
  /// finite: where a diverging run first breaks.
  public func firstNonFiniteBlock(_ x: Tensor) throws -> String? {
    var found: String?
    _ = try self(x, recording: false) { name, output in
      if found == nil && !output.isFinite { found = name }
    }
    return found
  }

  /// Throws `NonFiniteLossError` naming the step and the first non-finite block if `loss` is not
  /// finite; call it before `backward`, with the batch that produced the loss.
  public func checkLoss(_ loss: Double, step: Int, input x: Tensor) throws {
    guard !loss.isFinite else { return }
    throw NonFiniteLossError(step: step, loss: loss, block: try firstNonFiniteBlock(x))
  }
}
