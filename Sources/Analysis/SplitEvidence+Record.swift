import Recording

extension SplitEvidence {
  /// The HDF5 form of the decision (`/split/decision` of split.h5).
  public var record: SplitProfilesRecord {
    let d = decision, p = d.primary, n = p.blocks.count
    let nan = [Double](repeating: .nan, count: n)
    var fitted = nan
    if let fit = d.fit, d.meanProfile.count == n {
      let k = fit.boundary
      let before = d.meanProfile[..<k].reduce(0, +) / Double(k)
      let after = d.meanProfile[k...].reduce(0, +) / Double(n - k)
      fitted = (0..<n).map { $0 < k ? before : after }
    }
    // The interventions first, then the diagnostics, on one `diagnostic` axis.
    let compared = interventionAgreements + agreements
    let diagnostics = compared.map(\.metric)
    let profiles = interventions + self.diagnostics
    var attributes: [String: SplitRecord.Attribute] = [
      "primary_metric": .text(p.metric),
      "recommended_split": .text(recommendedSplit ?? ""),
      "metrics_required": .text(metricsRequired.joined(separator: ", ")),
      "best_step": .text(d.fit.map { p.blocks[$0.boundary] } ?? ""),
      "best_step_rises": .integer(d.fit?.rises == true ? 1 : 0),
      "p_value": .real(d.pValue), "p_flat": .real(d.pFlat), "p_trend": .real(d.pTrend),
      "effect": .real(d.effect),
      "level": .real(d.settings.level),
      "resamples": .integer(Int64(d.settings.resamples)),
      "resample_seed": .integer(Int64(bitPattern: d.settings.seed)),
      "agreement_threshold": .real(MetricAgreement.threshold),
      "metrics_used": .text(metricsUsed.joined(separator: ", ")),
      "metrics_disagreeing": .text(metricsDisagreeing.joined(separator: ", ")),
      "method": .text(SplitDecision.method),
      "method_description": .text(SplitReport.Decision.methodDescription),
      "notes": .text(notes.joined(separator: "\n")),
    ]
    attributes["effect_in_noise_units"] = .real(d.effectInNoiseUnits ?? .nan)
    return SplitProfilesRecord(
      primaryMetric: p.metric, seeds: p.seeds, tasks: p.tasks, blocks: p.blocks,
      diagnostics: diagnostics,
      primary: p.values.map { $0.map { $0.map { $0.isFinite ? $0 : .nan } } },
      primarySeedMeans: p.seedMeans.map { $0 ?? nan },
      meanProfile: d.meanProfile.count == n ? d.meanProfile : nan, fittedStep: fitted,
      diagnosticSeedMeans: profiles.map { $0.seedMeans.map { $0 ?? nan } },
      agreement: compared.map(\.perSeed), agrees: compared.map { $0.agrees ? 1 : 0 },
      attributes: attributes)
  }
}
