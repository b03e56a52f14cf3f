extension Module {
  /// Copies every parameter value and every buffer (BatchNorm running statistics) from
  /// `source`, matched by dotted name: a new MEMO/DER branch starts as an exact copy of the
  /// newest one (`copy.deepcopy` / `load_state_dict` in the reference code). Trainable flags
  /// and gradients are left alone. Both modules must have the same names and shapes.
  public func copyState(from source: any Module) {
    let parameters = source.namedParameters()
    let mine = namedParameters()
    precondition(mine.map(\.name) == parameters.map(\.name),
                 "copyState between modules with different parameters")
    for ((name, target), (_, value)) in zip(mine, parameters) {
      precondition(target.shape == value.shape,
                   "copyState: \(name) is \(target.shape) here, \(value.shape) in the source")
      target.load(value.scalars)
    }
    let buffers = source.namedBuffers()
    let myBuffers = namedBuffers()
    precondition(myBuffers.map(\.name) == buffers.map(\.name),
                 "copyState between modules with different buffers")
    for ((name, target), (_, value)) in zip(myBuffers, buffers) {
      precondition(target.shape == value.shape && target.isPlain && value.isPlain,
                   "copyState: buffer \(name) \(target.shape) vs \(value.shape), plain only")
      _ = target.memory.floats.update(from: Array(value.memory.floats.prefix(value.count)))
    }
    // Convolutions folded with these statistics must refold.
    for case let bn as BatchNorm in descendants { bn.markStatisticsModified() }
  }
}
