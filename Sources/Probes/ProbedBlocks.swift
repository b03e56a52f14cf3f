import NN
import Tensor

/// The blocks a probe follows in an `ExpandableNetwork`, under the architecture's plain names
/// (`stem`, `stage1.block1`, …, `head`) whatever the split: a shared block is itself, a
/// specialized block is the newest branch's copy (the one the current task trains; MEMO's and
/// DER's older copies are frozen), and `aux_head` is left out. So a probe file has one block axis
/// for every method, and a single backbone (split `none`) is seen exactly as it is.
///
/// The classifier grows between tasks (a row per new class; for MEMO and DER also a column block
/// per new branch). `headLimit` restricts the `head` block to the classifier of an earlier
/// moment: its first `rows` outputs (the classes known then) and first `columns` inputs. The
/// block's parameters are then those weights and biases only (copied into a separate `Dense`, so
/// a shift compares like with like), and its observed output is the logits of those classes
/// (so CKA compares the same output units before and after).
public final class ProbedBlocks: BlockNetwork {
  public let network: ExpandableNetwork
  /// (rows, columns) of the classifier the `head` block is cut to, or nil for all of it.
  public let headLimit: (rows: Int, columns: Int)?
  private let limitedHead: Dense?
  private let context: ComputeContext?

  /// The whole network's blocks, the head included in full.
  public init(_ network: ExpandableNetwork) {
    self.network = network
    headLimit = nil
    limitedHead = nil
    context = nil
  }

  /// The same with the head cut to the first `headLimit.rows` classes and `headLimit.columns`
  /// features.
  public init(_ network: ExpandableNetwork, headLimit: (rows: Int, columns: Int),
              context: ComputeContext) throws
  {
    guard let head = network.head else { preconditionFailure("ProbedBlocks: no head before addTask") }
    let (rows, columns) = headLimit
    precondition(rows <= head.outFeatures && columns <= head.inFeatures,
                 "head \(head.outFeatures)×\(head.inFeatures) cannot be cut to \(rows)×\(columns)")
    let weight = head.weight.scalars, bias = head.bias.scalars
    let limited = try Dense(inFeatures: columns, outFeatures: rows, context: context)
    limited.weight.load((0..<rows).flatMap { r in
      weight[(r * head.inFeatures)..<(r * head.inFeatures + columns)]
    })
    limited.bias.load(Array(bias[0..<rows]))
    self.network = network
    self.headLimit = headLimit
    limitedHead = limited
    self.context = context
  }

  /// The head's current (rows, columns): what a later `headLimit` cuts back to.
  public static func headShape(of network: ExpandableNetwork) -> (rows: Int, columns: Int) {
    guard let head = network.head else { preconditionFailure("ProbedBlocks: no head before addTask") }
    return (head.outFeatures, head.inFeatures)
  }

  public var namedBlocks: [(name: String, block: any Layer)] {
    let head: (any Layer)? = limitedHead ?? network.head
    return network.shared + (network.branches.last?.blocks ?? [])
      + (head.map { [("head", $0)] } ?? [])
  }

  public var children: [(name: String, module: any Module)] {
    namedBlocks.map { ($0.name, $0.block) }
  }

  /// The network's own mode switch, which keeps frozen blocks in eval mode.
  public func setTraining(_ training: Bool) { network.setTraining(training) }

  public func observeBlocks(_ x: Tensor, _ observe: (String, Tensor) throws -> Void) throws {
    let newest = network.branches.last.map { $0.name + "." }
    try network.observeBlocks(x) { name, output in
      switch name {
      case "aux_head":
        return
      case "head":
        guard let rows = headLimit?.rows, let context else { return try observe(name, output) }
        try observe(name, try output.columns(0..<rows, context: context))
      default:
        if let newest, name.hasPrefix(newest) {
          try observe(String(name.dropFirst(newest.count)), output)
        } else if !name.hasPrefix("branch") {
          try observe(name, output)
        }
      }
    }
  }
}
