import Foundation
import Testing
@testable import NN

/// Learning-rate schedules against PyTorch's definitions: `MultiStepLR` (lr = base·γ^k with k
/// the number of milestones ≤ epoch, i.e. `bisect_right`) and `CosineAnnealingLR`'s closed form
/// η_min + (base − η_min)(1 + cos(π·epoch/T))/2; plus PyTorch's own schedulers as an oracle.
@Suite struct LearningRateScheduleTests {
  /// |a − b| ≤ 1e-12 · max(|b|, 1e-3): products of 0.1 differ from powers in the last bits.
  static func close(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 1e-12 * max(abs(b), 1e-3)
  }

  /// PyCIL's first task: 200 epochs, milestones 60/120/170, γ 0.1, base 0.1.
  @Test func multiStepFirstTaskBoundaries() {
    let schedule = LearningRateSchedule.multiStep(milestones: [60, 120, 170], gamma: 0.1)
    let expected: [(Int, Double)] = [
      (0, 0.1), (1, 0.1), (59, 0.1), (60, 0.01), (61, 0.01), (119, 0.01), (120, 0.001),
      (169, 0.001), (170, 0.0001), (199, 0.0001),
    ]
    for (epoch, rate) in expected {
      let actual = schedule.rate(base: 0.1, epoch: epoch)
      #expect(Self.close(actual, rate), "epoch \(epoch): \(actual), expected \(rate)")
    }
  }

  /// PyCIL's later tasks: 170 epochs, milestones 80/120/150.
  @Test func multiStepLaterTaskBoundaries() {
    let schedule = LearningRateSchedule.multiStep(milestones: [80, 120, 150], gamma: 0.1)
    let expected: [(Int, Double)] = [
      (0, 0.1), (79, 0.1), (80, 0.01), (119, 0.01), (120, 0.001), (149, 0.001),
      (150, 0.0001), (169, 0.0001),
    ]
    for (epoch, rate) in expected {
      let actual = schedule.rate(base: 0.1, epoch: epoch)
      #expect(Self.close(actual, rate), "epoch \(epoch): \(actual), expected \(rate)")
    }
  }

  /// Cosine at 0, T/2 and T is base, (base + η_min)/2 and η_min; every epoch equals the closed
  /// form (for T = 200 and an odd-length T = 170, η_min 0 and 1e-3).
  @Test(arguments: [(200, 0.0), (170, 0.0), (200, 1e-3)])
  func cosineMatchesClosedForm(_ epochs: Int, _ minimum: Double) {
    let schedule = LearningRateSchedule.cosine(epochs: epochs, minimum: minimum)
    let base = 0.1
    #expect(Self.close(schedule.rate(base: base, epoch: 0), base))
    #expect(Self.close(schedule.rate(base: base, epoch: epochs / 2), (base + minimum) / 2))
    #expect(abs(schedule.rate(base: base, epoch: epochs) - minimum) <= 1e-15)
    for epoch in 0...epochs {
      let closed = minimum + (base - minimum) * (1 + cos(Double.pi * Double(epoch)
        / Double(epochs))) / 2
      #expect(Self.close(schedule.rate(base: base, epoch: epoch), closed), "epoch \(epoch)")
    }
  }

  /// PyTorch's `MultiStepLR` and `CosineAnnealingLR` stepped epoch by epoch (their chainable
  /// recursive forms) give the same rates: multi-step to 1e-9 relative, cosine to 1e-9·base
  /// absolute (the recursion's rounding is relative to base, not to the small rates near η_min).
  @Test func schedulesMatchPyTorch() throws {
    let output = try TorchOracle.runCapturing("torch_schedules.py", [])
    let json = try JSONSerialization.jsonObject(with: output) as? [String: [Double]]
    let rates = try #require(json, "torch_schedules.py printed no JSON object")
    let cases: [(String, LearningRateSchedule, Int)] = [
      ("multistep_60_120_170", .multiStep(milestones: [60, 120, 170], gamma: 0.1), 200),
      ("multistep_80_120_150", .multiStep(milestones: [80, 120, 150], gamma: 0.1), 170),
      ("cosine_200", .cosine(epochs: 200, minimum: 0), 200),
      ("cosine_170_min", .cosine(epochs: 170, minimum: 1e-3), 170),
    ]
    for (key, schedule, epochs) in cases {
      let torch = try #require(rates[key], "no \(key) from PyTorch")
      #expect(torch.count == epochs, "\(key): \(torch.count) rates")
      var worst = 0.0
      for (epoch, expected) in torch.enumerated() {
        let actual = schedule.rate(base: 0.1, epoch: epoch)
        let scale = key.hasPrefix("multistep") ? abs(expected) : 0.1
        let error = abs(actual - expected) / scale
        worst = max(worst, error.isNaN ? .infinity : error)
      }
      #expect(worst <= 1e-9, "\(key): worst error \(worst) against PyTorch")
    }
  }
}
