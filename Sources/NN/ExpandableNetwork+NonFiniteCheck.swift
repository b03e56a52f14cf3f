import Tensor

extension ExpandableNetwork {
  /// Names the first block, in the order of `namedBlocks`, whose parameters, running statistics
  /// or output are not finite, as `ResNet.firstNonFiniteBlock`: the forward is re-run without
  /// recording and the running statistics it would update are restored afterwards.
  public func firstNonFiniteBlock(_ x: Tensor) throws -> String? {
    let blocks = namedBlocks
    let brokenState = blocks.firstIndex { _, block in
      !block.parameters.allSatisfy { $0.value.isFinite }
        || !block.namedBuffers().allSatisfy { $0.tensor.isFinite }
    }
    let statistics = namedBuffers().map { ($0.tensor, Array($0.tensor.memory.floats)) }
    defer { for (tensor, saved) in statistics { _ = tensor.memory.floats.update(from: saved) } }
    var brokenOutput: Int?
    _ = try self(x, recording: false) { name, output in
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
