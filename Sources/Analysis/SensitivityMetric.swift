/// The three per-block sensitivities a split is derived from (DESIGN, "Probes: what is
/// measured"), each oriented so that larger means the block changes more for a new task.
public enum SensitivityMetric: Int, CaseIterable, Sendable {
  /// Size-normalized gradient norm ‖∇θ_b L‖₂ / √|θ_b|, averaged over the task's epochs: how
  /// hard the new task pulls on the block, comparable between blocks of different sizes.
  case gradient
  /// Relative parameter shift ‖θ_b(t) − θ_b(t−1)‖₂ / ‖θ_b(t−1)‖₂ over the task.
  case shift
  /// 1 − linear CKA between the block's output before and after the task.
  case representation

  /// The name in files and tables (`1-cka_old` or `1-cka_new` for the representation).
  public func name(_ probeSet: CKAProbeSet) -> String {
    switch self {
    case .gradient: "grad_norm_normalized"
    case .shift: "param_shift"
    case .representation: "1-cka_\(probeSet.rawValue)"
    }
  }
}

/// Which probe images the representation metric uses. `old` by default: the shared blocks must
/// keep the features of the classes already learned, so drift on old-class images is what a
/// split has to avoid (the MEMO motivation); `new` is there to compare.
public enum CKAProbeSet: String, CaseIterable, Sendable, Codable {
  case old, new
}
