import NN

/// One tensor of a block at one moment: its dotted name, shape and row-major values. The shift
/// diagnostics are pure functions of these, so they can be tested on hand-made values.
public struct NamedValues: Sendable, Equatable {
  public let name: String
  public let shape: [Int]
  public let values: [Float]

  public init(name: String, shape: [Int], values: [Float]) {
    precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for \(shape)")
    self.name = name
    self.shape = shape
    self.values = values
  }

  /// The dotted name of the module that owns the tensor (`stage1.block1.bn1` for
  /// `stage1.block1.bn1.weight`).
  var owner: Substring { name.split(separator: ".").dropLast().joined(separator: ".")[...] }

  /// A module's parameters, in forward order.
  public static func parameters(of module: any Module) -> [NamedValues] {
    module.namedParameters().map { NamedValues(name: $0.name, shape: $0.parameter.shape,
                                               values: $0.parameter.scalars) }
  }

  /// A module's buffers (batch-norm running statistics), in forward order.
  public static func buffers(of module: any Module) -> [NamedValues] {
    module.namedBuffers().map {
      NamedValues(name: $0.name, shape: $0.tensor.shape,
                  values: Array($0.tensor.memory.floats.prefix($0.tensor.count)))
    }
  }
}
