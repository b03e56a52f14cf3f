import Tensor

/// One named array of a module's state: a parameter, a buffer or a momentum buffer, row-major
/// (convolution weights `[O, I, KH, KW]`, as PyTorch's).
public struct NamedArray: Sendable, Equatable {
  public var name: String
  public var shape: [Int]
  public var values: [Float]

  public init(name: String, shape: [Int], values: [Float]) {
    precondition(shape.reduce(1, *) == values.count,
                 "\(name): \(values.count) values do not fill \(shape)")
    self.name = name
    self.shape = shape
    self.values = values
  }

  /// Equal shapes and bit patterns (NaN included), what a resumed run must reproduce.
  public func isBitwiseEqual(to other: NamedArray) -> Bool {
    name == other.name && shape == other.shape
      && values.map(\.bitPattern) == other.values.map(\.bitPattern)
  }
}

/// The values of every parameter and buffer of a module by dotted name, in forward order: what
/// a checkpoint stores (PyTorch's `state_dict`, without `num_batches_tracked`). NN owns this
/// value and its checked load; `Recording` owns how it is laid out in a file.
public struct ModuleState: Sendable, Equatable {
  public var parameters: [NamedArray]
  /// BatchNorm running statistics.
  public var buffers: [NamedArray]

  public init(parameters: [NamedArray], buffers: [NamedArray]) {
    self.parameters = parameters
    self.buffers = buffers
  }

  public func isBitwiseEqual(to other: ModuleState) -> Bool {
    parameters.count == other.parameters.count && buffers.count == other.buffers.count
      && zip(parameters, other.parameters).allSatisfy { $0.isBitwiseEqual(to: $1) }
      && zip(buffers, other.buffers).allSatisfy { $0.isBitwiseEqual(to: $1) }
  }
}

/// A state that does not fit a module: the name (as `state_dict` keys) and what is wrong.
public struct ModuleStateError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Kind: Sendable, Equatable {
    /// The module has this entry; the state lacks it.
    case missing
    /// The state has an entry the module does not (another architecture or split).
    case unexpected
    case shapeMismatch(expected: [Int], found: [Int])
  }

  public var kind: Kind
  public var name: String
  /// Where the entry lives, as a checkpoint groups it: `parameters`, `buffers`, `momentum`,
  /// `teacher/parameters`, …
  public var section: String

  public init(kind: Kind, name: String, section: String) {
    self.kind = kind
    self.name = name
    self.section = section
  }

  public var description: String { "\(section) \(name): \(problem)" }

  /// What is wrong, without the name.
  public var problem: String {
    switch kind {
    case .missing: "missing (the network has it)"
    case .unexpected: "not in the network (another architecture or split?)"
    case .shapeMismatch(let expected, let found): "shape \(found), the network's is \(expected)"
    }
  }
}

extension Module {
  /// A copy of every parameter and buffer, by dotted name.
  public func state() -> ModuleState {
    ModuleState(
      parameters: namedParameters().map {
        NamedArray(name: $0.name, shape: $0.parameter.shape, values: $0.parameter.scalars)
      },
      buffers: namedBuffers().map {
        precondition($0.tensor.isPlain, "buffer \($0.name) is not in the plain layout")
        return NamedArray(name: $0.name, shape: $0.tensor.shape,
                          values: Array($0.tensor.memory.floats.prefix($0.tensor.count)))
      })
  }

  /// Overwrites every parameter and buffer from `state`, matched by name. Everything is checked
  /// first (every name present, none unknown, every shape equal), so a state that does not fit
  /// changes nothing. Trainable flags are left alone.
  public func loadState(_ state: ModuleState) throws(ModuleStateError) {
    let parameters = namedParameters(), buffers = namedBuffers()
    let byName = try Self.match(parameters.map { ($0.name, $0.parameter.shape) },
                                state.parameters, section: "parameters")
    let buffersByName = try Self.match(buffers.map { ($0.name, $0.tensor.shape) },
                                       state.buffers, section: "buffers")
    for (name, parameter) in parameters { parameter.load(byName[name]!.values) }
    for (name, tensor) in buffers {
      precondition(tensor.isPlain, "buffer \(name) is not in the plain layout")
      _ = tensor.memory.floats.update(from: buffersByName[name]!.values)
    }
    // Convolutions folded with the old statistics must refold.
    for case let bn as BatchNorm in descendants { bn.markStatisticsModified() }
  }

  /// `entries` by name, after checking them against the module's (name, shape) list.
  private static func match(_ mine: [(String, [Int])], _ entries: [NamedArray], section: String)
    throws(ModuleStateError) -> [String: NamedArray]
  {
    var byName: [String: NamedArray] = [:]
    for entry in entries { byName[entry.name] = entry }
    let known = Set(mine.map(\.0))
    if let extra = entries.first(where: { !known.contains($0.name) }) {
      throw ModuleStateError(kind: .unexpected, name: extra.name, section: section)
    }
    for (name, shape) in mine {
      guard let entry = byName[name] else {
        throw ModuleStateError(kind: .missing, name: name, section: section)
      }
      guard entry.shape == shape else {
        throw ModuleStateError(kind: .shapeMismatch(expected: shape, found: entry.shape),
                               name: name, section: section)
      }
    }
    return byName
  }
}
