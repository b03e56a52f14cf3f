#if canImport(Glibc)
import Glibc
#endif

/// Learning rate as a function of the epoch, stepped once per epoch as PyTorch's schedulers.
public enum LearningRateSchedule: Codable, Sendable, Equatable {
  /// `MultiStepLR`: multiply by `gamma` at each milestone epoch.
  case multiStep(milestones: [Int], gamma: Double)
  /// `CosineAnnealingLR` with `T_max = epochs` and η_min = `minimum`.
  case cosine(epochs: Int, minimum: Double)

  /// The rate for `epoch` (0-based: epoch 0 uses `base`).
  public func rate(base: Double, epoch: Int) -> Double {
    switch self {
    case .multiStep(let milestones, let gamma):
      return base * pow(gamma, Double(milestones.filter { $0 <= epoch }.count))
    case .cosine(let epochs, let minimum):
      return minimum + (base - minimum) * (1 + cos(Double.pi * Double(epoch) / Double(epochs))) / 2
    }
  }
}
