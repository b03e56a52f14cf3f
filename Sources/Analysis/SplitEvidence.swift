/// The decision on the primary metric with the other metrics' agreement beside it: what
/// split.json's `decision` holds.
///
/// - Diagnostics (parameter-space metrics) that agree are listed in `metricsUsed` as support;
///   they never change the step or the p-value.
/// - Interventions (the rewind/retrain probes, `DepthProfiles.interventions(of:)`), when the
///   probe file has them, are function-space evidence that must agree: a split the primary
///   metric finds is reported only when every intervention ranks the body blocks as the primary
///   does (`MetricAgreement`); otherwise "no clear split", with a note naming the intervention.
///   They can only withdraw a split, never create or move one, so the calibrated false-split
///   rate of the primary rule still bounds the decision's (docs/split-decision.md says why they
///   are not the primary metric).
public struct SplitEvidence: Sendable {
  public let decision: SplitDecision
  /// One per diagnostic, in the order given.
  public let agreements: [MetricAgreement]
  /// The diagnostics' profiles, in the order given.
  public let diagnostics: [DepthProfiles]
  /// One per intervention, in the order given.
  public let interventionAgreements: [MetricAgreement]
  /// The interventions' profiles, in the order given.
  public let interventions: [DepthProfiles]

  public init(primary: DepthProfiles, diagnostics: [DepthProfiles],
              interventions: [DepthProfiles] = [], settings: SplitDecision.Settings = .init())
  {
    decision = SplitDecision(primary, settings: settings)
    self.diagnostics = diagnostics
    agreements = diagnostics.map { MetricAgreement(primary: primary, diagnostic: $0) }
    self.interventions = interventions
    interventionAgreements = interventions.map {
      MetricAgreement(primary: primary, diagnostic: $0)
    }
  }

  /// The first specialized block: the primary rule's split when every intervention agrees with
  /// the primary ranking, else nil ("no clear split").
  public var recommendedSplit: String? {
    interventionAgreements.allSatisfy(\.agrees) ? decision.recommendedSplit : nil
  }

  /// The metrics that must agree for a split (the interventions recorded).
  public var metricsRequired: [String] { interventionAgreements.map(\.metric) }

  /// The primary metric, then the interventions and the diagnostics that agree with it.
  public var metricsUsed: [String] {
    [decision.primary.metric] + (interventionAgreements + agreements).filter(\.agrees).map(\.metric)
  }

  public var metricsDisagreeing: [String] {
    (interventionAgreements + agreements).filter { !$0.agrees }.map(\.metric)
  }

  /// The decision's notes, then why an intervention withdrew the split, if one did.
  public var notes: [String] {
    let against = interventionAgreements.filter { !$0.agrees }
    guard let split = decision.recommendedSplit, !against.isEmpty else { return decision.notes }
    let rho = against.map {
      "\($0.metric) (mean Spearman rho " + ($0.meanCorrelation.isNaN ? "undefined"
        : formatted($0.meanCorrelation)) + " < \(MetricAgreement.threshold))"
    }
    return decision.notes + ["the interventional probe(s) " + rho.joined(separator: ", ")
      + " rank the body blocks unlike \(decision.primary.metric): the step at \(split) is not "
      + "confirmed, no clear split"]
  }
}
