import Foundation
import Recording
import Testing
@testable import Analysis

/// The split rule on the committed one-seed Fashion-MNIST probe files (the ResNet-20 probe run
/// and the quickstart of an earlier spec, kept as a test fixture), read with the real reader. Prints what it decides; the numbers go into docs/split-decision.md.
@Suite struct CommittedProbeDecisionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  private func evidence(_ relative: String) throws -> SplitEvidence {
    let path = Self.root.appendingPathComponent(relative).path
    let record = try ProbeFile.open(path).read()
    let (primary, diagnostics) = DepthProfiles.profiles(of: record,
                                                        seed: Int(record.provenance.seed))
    let evidence = SplitEvidence(primary: primary, diagnostics: diagnostics)
    let d = evidence.decision
    print("\(relative): split \(d.recommendedSplit ?? "none"), best step at "
          + "\(d.fit.map { primary.blocks[$0.boundary] } ?? "-"), effect \(formatted(d.effect)) "
          + "(\(d.effectInNoiseUnits.map(formatted) ?? "-") noise units), p_flat "
          + "\(formatted(d.pFlat)), p_trend \(formatted(d.pTrend)), p \(formatted(d.pValue)), "
          + "profiles \(d.profileCount)")
    print("  mean profile: " + d.meanProfile.map(formatted).joined(separator: " "))
    for a in evidence.agreements {
      print("  \(a.metric): ρ \(formatted(a.meanCorrelation)) → \(a.agrees ? "agrees" : "disagrees")")
    }
    d.notes.forEach { print("  note: \($0)") }
    return evidence
  }

  @Test(arguments: ["analyses/probes-fashion-mnist.h5",
                    "Tests/ReportsTests/Fixtures/quickstart-one-seed/probes.h5"])
  func decides(_ relative: String) throws {
    let e = try evidence(relative)
    #expect(e.decision.profileCount == 4 && e.decision.primary.blocks.last != "head")
    #expect(e.decision.pValue > 0 && e.decision.pValue <= 1)
    // The issue's measurement: the size-normalized gradient ranks blocks against 1 − CKA.
    let normalized = try #require(e.agreements.first { $0.metric == "grad_norm_normalized" })
    #expect(normalized.meanCorrelation < 0 && e.metricsDisagreeing.contains("grad_norm_normalized"))
  }
}
