/// How many exemplars each old class keeps (PyCIL's `samples_per_class`).
public enum MemoryPolicy: Sendable, Equatable {
  /// No exemplars (Finetune).
  case none
  /// `memory_size` exemplars in total: floor(memory_size / classes seen) per class.
  case total(Int)
  /// `fixed_memory` with `memory_per_class` per class, whatever the number of classes.
  case perClass(Int)

  /// The per-class quota once `seenClasses` classes are known.
  public func quota(seenClasses: Int) -> Int {
    precondition(seenClasses >= 1, "a quota needs at least one class")
    switch self {
    case .none: return 0
    case .total(let size): return size / seenClasses
    case .perClass(let count): return count
    }
  }
}
