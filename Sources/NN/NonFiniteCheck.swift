import Tensor

/// Training stopped because the loss was NaN or infinite.
public struct NonFiniteLossError: Error, CustomStringConvertible {
  public let step: Int
  public let loss: Double
  /// The first block (forward order) whose output, parameters or running statistics hold a NaN
  /// or ±∞, or nil when all are finite and the loss itself overflowed.
  public let block: String?

  public var description: String {
    let place = block.map {
      "the first non-finite block (output, parameters or running statistics) is \($0)"
    } ?? "every block is finite (the loss itself overflowed)"
    return "training stopped at step \(step): loss is \(loss); \(place)"
  }
}

extension Tensor {
  /// True when every value is finite (padding of blocked layouts is zero, so it cannot hide one).
  public var isFinite: Bool {
    memory.floats.allSatisfy { $0.isFinite }
  }
}

/// A network made of named blocks (`stem`, `stage1.block1`, …, `head`) whose forward can report
/// every block's output: what the non-finite check (and the probes) walk.
public protocol BlockNetwork: Module {
  var namedBlocks: [(name: String, block: any Layer)] { get }
  /// A forward that records nothing and passes each block's output to `observe`.
  func observeBlocks(_ x: Tensor, _ observe: (String, Tensor) throws -> Void) throws
}

extension ResNet: BlockNetwork {
  public func observeBlocks(_ x: Tensor, _ observe: (String, Tensor) throws -> Void) throws {
    _ = try withoutActuallyEscaping(observe) { try self(x, recording: false, observe: $0) }
  }
}

extension ExpandableNetwork: BlockNetwork {
  public func observeBlocks(_ x: Tensor, _ observe: (String, Tensor) throws -> Void) throws {
    _ = try withoutActuallyEscaping(observe) { try self(x, recording: false, observe: $0) }
  }
}

extension BlockNetwork {
  /// Names the first block, in forward order, whose parameters, running statistics or output
  /// are not finite: where a diverging run first breaks. The forward is re-run without
  /// recording, and the running statistics it would update are restored afterwards.
  ///
  /// Parameters and statistics are checked, not only outputs, because oneDNN's ReLU maps NaN to
  /// 0: a NaN weight can leave every output finite while the model is already broken.
  public func firstNonFiniteBlock(_ x: Tensor) throws -> String? {
    let blocks = namedBlocks
    let brokenState = blocks.firstIndex { _, block in
      !block.parameters.allSatisfy { $0.value.isFinite }
        || !block.namedBuffers().allSatisfy { $0.tensor.isFinite }
    }
    let statistics = namedBuffers().map { ($0.tensor, Array($0.tensor.memory.floats)) }
    defer { for (tensor, saved) in statistics { _ = tensor.memory.floats.update(from: saved) } }
    var brokenOutput: Int?
    try observeBlocks(x) { name, output in
      if brokenOutput == nil && !output.isFinite {
        brokenOutput = blocks.firstIndex { $0.name == name }
      }
    }
    guard let index = [brokenState, brokenOutput].compactMap({ $0 }).min() else { return nil }
    return blocks[index].name
  }

  /// Throws `NonFiniteLossError` naming the step and the first non-finite block when the loss,
  /// a parameter or a running statistic is not finite. Call it after the forward and before
  /// `backward`, with the batch that produced the loss.
  public func checkLoss(_ loss: Double, step: Int, input x: Tensor) throws {
    let stateIsFinite = parameters.allSatisfy { $0.value.isFinite }
      && namedBuffers().allSatisfy { $0.tensor.isFinite }
    guard !loss.isFinite || !stateIsFinite else { return }
    throw NonFiniteLossError(step: step, loss: loss, block: try firstNonFiniteBlock(x))
  }
}
