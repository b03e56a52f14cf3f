import Tensor

/// A node of a network: its own parameters and buffers, and named children.
///
/// Traversal is explicit (no reflection): one generic walk builds dotted names such as
/// `stage2.block3.conv1.weight` for saving, loading, freezing and probing.
public protocol Module: AnyObject {
  /// Direct children, in forward order.
  var children: [(name: String, module: any Module)] { get }
  /// Parameters owned directly (not by children).
  var ownParameters: [(name: String, parameter: Parameter)] { get }
  /// Non-trainable state owned directly, always saved: BatchNorm's running statistics.
  var ownBuffers: [(name: String, tensor: Tensor)] { get }
  /// Switches batch norm between batch statistics (training) and running statistics (eval).
  func setTraining(_ training: Bool)
}

extension Module {
  public var children: [(name: String, module: any Module)] { [] }
  public var ownParameters: [(name: String, parameter: Parameter)] { [] }
  public var ownBuffers: [(name: String, tensor: Tensor)] { [] }
  public func setTraining(_ training: Bool) { children.forEach { $0.module.setTraining(training) } }

  /// Every parameter below this module with its dotted name, in forward order.
  public func namedParameters(prefix: String = "") -> [(name: String, parameter: Parameter)] {
    ownParameters.map { (join(prefix, $0.name), $0.parameter) }
      + children.flatMap { $0.module.namedParameters(prefix: join(prefix, $0.name)) }
  }

  /// Every buffer below this module with its dotted name.
  public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
    ownBuffers.map { (join(prefix, $0.name), $0.tensor) }
      + children.flatMap { $0.module.namedBuffers(prefix: join(prefix, $0.name)) }
  }

  public var parameters: [Parameter] { namedParameters().map(\.parameter) }

  /// Number of scalar parameters below this module (trainable or not).
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Freezes (or unfreezes) every parameter below this module.
  public func setTrainable(_ trainable: Bool) { parameters.forEach { $0.isTrainable = trainable } }

  public var hasTrainableParameters: Bool { parameters.contains { $0.isTrainable } }

  public func zeroGradients() { parameters.forEach { $0.zeroGradient() } }

  /// This module and every module below it, depth first in forward order.
  public var descendants: [any Module] { [self] + children.flatMap { $0.module.descendants } }
}

private func join(_ prefix: String, _ name: String) -> String {
  prefix.isEmpty ? name : "\(prefix).\(name)"
}

/// A module with one input and one output and an explicit backward.
///
/// `forward(_:recording:)` keeps what its backward needs when `recording` is true (a training
/// step) and nothing otherwise (evaluation, probes). `backward(_:inputGradient:)` accumulates
/// the gradients of trainable parameters and returns dL/dx only when `inputGradient` is true, so
/// the layers below the lowest trainable one do no backward work at all.
public protocol Layer: Module {
  func forward(_ x: Tensor, recording: Bool) throws -> Tensor
  /// `forward(_:recording:)` for a caller that never reads `x` again (nothing else holds it),
  /// so the layer may reuse its buffer; residual blocks write their sum there in evaluation.
  func forward(_ x: Tensor, recording: Bool, mayOverwriteInput: Bool) throws -> Tensor
  func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor?
}

extension Layer {
  public func forward(_ x: Tensor, recording: Bool, mayOverwriteInput: Bool) throws -> Tensor {
    try forward(x, recording: recording)
  }
}
