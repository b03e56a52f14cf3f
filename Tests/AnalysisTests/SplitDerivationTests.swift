import NN
import Recording
import Testing
@testable import Analysis

/// Normalization, aggregation, NaN handling and the confidence statement of the derivation.
@Suite struct SplitDerivationTests {
  typealias F = ProbeFixture
  static let body = 10  // ResNet-20: stem + 9 residual blocks; the head is block 10

  /// Min–max over the body blocks; the head on the same scale; a flat row carries nothing.
  @Test func minMaxNormalization() {
    #expect(SplitDerivation.minMax([2, 4, 6, 10], body: 3) == [0, 0.5, 1, 2])
    let missing = SplitDerivation.minMax([2, .nan, 6, 4], body: 3)
    #expect(missing[0] == 0 && missing[1].isNaN && missing[2] == 1 && missing[3] == 0.5)
    #expect(SplitDerivation.minMax([3, 3, 3, 9], body: 3).allSatisfy { $0.isNaN })
  }

  /// Normalizing per task makes tasks of different scale count equally; the score is the
  /// mean over tasks of the mean over metrics.
  @Test func aggregationOverMetricsAndTasks() {
    // Task 1: gradient rises linearly over the body (0, 1/9, …, 1); task 2 the same ×100.
    // Shift is a step at block 7 in both; CKA a step at block 4 in task 1, at 7 in task 2.
    let s = F.sensitivities(tasks: 2) { m, t, b in
      let x = Double(min(b, Self.body - 1))
      switch m {
      case .gradient: return (t == 0 ? 1 : 100) * x
      case .shift: return b >= 7 ? 2 : 1
      case .representation: return b >= (t == 0 ? 4 : 7) ? 0.3 : 0.01
      }
    }
    let d = SplitDerivation(s, settings: .init(bootstrapSamples: 50))
    for b in 0..<Self.body {
      let gradient = Double(b) / 9, shift: Double = b >= 7 ? 1 : 0
      let cka = ((b >= 4 ? 1.0 : 0) + (b >= 7 ? 1 : 0)) / 2
      #expect(abs(d.metricScores[0][b] - gradient) < 1e-12)
      #expect(d.metricScores[1][b] == shift && d.metricScores[2][b] == cka)
      #expect(abs(d.scores[b] - (gradient + shift + cka) / 3) < 1e-12, "block \(b)")
    }
    // The head (block 10) is on the body's scale, reported but never a candidate.
    #expect(d.normalized[0][0][10] == 1 && d.candidates.count == Self.body + 1)
    #expect(d.candidates.first == "stem" && d.candidates.last == "none")
    #expect(d.recommended == 7, "shift and the mean of the others step at stage3.block1")
    #expect(d.candidates[7] == "stage3.block1")
    // Alone, the gradient ramp splits in the middle and CKA's two steps at the larger one.
    #expect(d.votes(7) == [.shift] && d.votes(5) == [.gradient] && d.votes(4) == [.representation])
  }

  /// A NaN CKA (degenerate block) is left out: that block's task score is the mean of the
  /// other two metrics, and a note says so.
  @Test func nanValuesAreLeftOutWithANote() throws {
    let path = try F.file((1...3).map { t in
      F.task(t) { m, b in
        m == .representation && t == 2 && b == 3 ? .nan : F.step(11, at: 7)[b]
      }
    })
    let record = try ProbeFile.open(path).read()
    let s = try BlockSensitivities(record, probeSet: .old)
    #expect(s.values[2][1][3].isNaN && s.values[0][1][3] == 0.1)
    #expect(s.notes == ["1-cka_old at task 2, stage1.block3: the first representation has no "
                        + "variance; left out"])
    let d = SplitDerivation(s, settings: .init(bootstrapSamples: 100))
    #expect(d.normalized[1][2][3].isNaN && d.taskScores[1][3] == 0)
    #expect(d.recommended == 7 && d.notes == s.notes)
  }

  /// A metric whose body values are all equal in a task is left out of that task.
  @Test func flatMetricIsLeftOut() {
    let s = F.sensitivities(tasks: 2) { m, t, b in
      m == .gradient && t == 1 ? 5 : F.step(11, at: 6)[b]
    }
    let d = SplitDerivation(s, settings: .init(bootstrapSamples: 20))
    #expect(d.normalized[1][0].allSatisfy { $0.isNaN })
    #expect(d.notes.contains { $0.hasPrefix("grad_norm_normalized at task 2: fewer than two") })
    #expect(d.recommended == 6 && d.scores[0] == 0 && d.scores[6] == 1)
  }

  /// The same clean step in every metric and task: the split, stated with high confidence.
  @Test func cleanStepIsHighConfidence() {
    let s = F.sensitivities(tasks: 5) { _, _, b in F.step(11, at: 7)[b] }
    let d = SplitDerivation(s)
    #expect(d.recommended == 7 && d.confidence == .high && d.caveats.isEmpty)
    #expect(d.bootstrapFrequency[7] == 1 && d.interval == 7...7 && d.noSplitFrequency == 0)
    #expect(d.votes(7).count == 3)
    #expect(d.rankCorrelations.allSatisfy { $0.value == 1 })
  }

  /// A noisy step (independent noise per task) still finds the boundary, with most resamples
  /// agreeing.
  @Test func noisyStepFindsTheBoundary() {
    var generator = SeededGenerator(seed: 11)
    let s = F.sensitivities(tasks: 6) { _, _, b in
      F.step(11, at: 5, low: 1, high: 2)[b] + 0.15 * generator.normal()
    }
    let d = SplitDerivation(s)
    #expect(d.recommended == 5)
    #expect(d.bootstrapFrequency[5] >= 0.5 && d.confidence != .low, "\(d.caveats)")
    #expect(d.interval.map { $0.contains(5) } == true)
  }

  /// A ramp has a middle split but a line fits it as well: low confidence, saying why.
  @Test func rampIsLowConfidence() {
    let s = F.sensitivities(tasks: 4) { _, _, b in Double(b) }
    let d = SplitDerivation(s)
    #expect(d.recommended == 5)
    #expect(d.confidence == .low)
    #expect(d.caveats.contains { $0.contains("straight line") })
  }

  /// Noise around a flat profile: low confidence, never a confident split.
  @Test func flatProfileIsLowConfidence() {
    var generator = SeededGenerator(seed: 3)
    let s = F.sensitivities(tasks: 6) { _, _, _ in 1 + 0.01 * generator.normal() }
    let d = SplitDerivation(s)
    #expect(d.confidence == .low, "\(d.evidence)")
    #expect(d.caveats.contains { $0.contains("small") || $0.contains("only") })
    let exact = SplitDerivation(F.sensitivities(tasks: 3) { _, _, _ in 1 })
    #expect(exact.recommended == nil && exact.confidence == .low)
    #expect(exact.noSplitFrequency == 1 && exact.interval == nil)
  }

  /// The bootstrap is reproducible from its seed.
  @Test func bootstrapIsSeeded() {
    var generator = SeededGenerator(seed: 5)
    let s = F.sensitivities(tasks: 5) { _, _, b in Double(b) + generator.normal() }
    let a = SplitDerivation(s), b = SplitDerivation(s)
    let c = SplitDerivation(s, settings: .init(bootstrapSeed: 99))
    #expect(a.bootstrapFrequency == b.bootstrapFrequency)
    #expect(abs(a.bootstrapFrequency.reduce(0, +) + a.noSplitFrequency - 1) < 1e-12)
    #expect(a.bootstrapFrequency != c.bootstrapFrequency)
  }
}
