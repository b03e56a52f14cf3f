/// The decision on the primary metric with the diagnostics' agreement beside it: what
/// split.json's `decision` holds. Agreeing diagnostics are listed in `metricsUsed` as
/// support; the step and the p-value come from the primary metric alone (calibrated as such),
/// so no diagnostic, agreeing or not, changes them.
public struct SplitEvidence: Sendable {
  public let decision: SplitDecision
  /// One per diagnostic, in the order given.
  public let agreements: [MetricAgreement]
  /// The diagnostics' profiles, in the order given.
  public let diagnostics: [DepthProfiles]

  public init(primary: DepthProfiles, diagnostics: [DepthProfiles],
              settings: SplitDecision.Settings = .init())
  {
    decision = SplitDecision(primary, settings: settings)
    self.diagnostics = diagnostics
    agreements = diagnostics.map { MetricAgreement(primary: primary, diagnostic: $0) }
  }

  /// The primary metric, then the diagnostics that agree with it.
  public var metricsUsed: [String] {
    [decision.primary.metric] + agreements.filter(\.agrees).map(\.metric)
  }

  public var metricsDisagreeing: [String] { agreements.filter { !$0.agrees }.map(\.metric) }
}
