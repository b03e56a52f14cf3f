/// Multiply-accumulates of one forward pass and the output shape, for a given input shape: the
/// cost columns of the block registry and the FLOP count of benchmarks. Batch norm, ReLU, adds
/// and pooling are not counted (they are memory-bound and small next to the convolutions).
public protocol CostAccounting {
  func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int])
}

extension Conv2D: CostAccounting {
  public func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int]) {
    (multiplyAccumulates(input: shape), op.outputShape(shape))
  }
}

extension Dense: CostAccounting {
  public func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int]) {
    (shape[0] * inFeatures * outFeatures, [shape[0], outFeatures])
  }
}

extension ConvBlock: CostAccounting {
  public func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int]) {
    let (macs, out) = conv.cost(input: shape)
    return (macs, pool?.outputShape(out) ?? out)
  }
}

extension ResidualBody {
  /// The main path's convolutions in order, plus a projection shortcut's.
  func cost(input shape: [Int]) -> (multiplyAccumulates: Int, output: [Int]) {
    var total = 0
    var current = shape
    for unit in units {
      let (macs, out) = unit.conv.cost(input: current)
      total += macs
      current = out
    }
    if case .projection(let conv, _) = shortcut.path { total += conv.cost(input: shape).0 }
    return (total, current)
  }
}

extension BasicBlock: CostAccounting {}
extension Bottleneck: CostAccounting {}

extension ResNet {
  /// Per block (`stem`, `stage1.block1`, …, `head`): multiply-accumulates for one forward of an
  /// input of `shape` (global average pooling sits between the last block and the head).
  public func blockCosts(input shape: [Int]) -> [(name: String, multiplyAccumulates: Int, output: [Int])] {
    var result: [(String, Int, [Int])] = []
    var current = shape
    for (name, block) in namedBlocks {
      if name == "head" { current = [current[0], current[1]] }
      guard let accounted = block as? any CostAccounting else { continue }
      let (macs, out) = accounted.cost(input: current)
      result.append((name, macs, out))
      current = out
    }
    return result
  }
}
