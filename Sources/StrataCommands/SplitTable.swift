import Analysis

/// The terminal form of a split report: the decision with its p-value and the metrics'
/// agreement, the legal splits with their memory ledger, the verification plan; with `legacy`,
/// also the first wave's min–max score (first seed only, never used).
struct SplitTable {
  let report: SplitReport
  let legacy: Bool

  init(_ report: SplitReport, legacy: Bool = false) {
    self.report = report
    self.legacy = legacy
  }

  var rendered: String {
    let r = report, plan = r.verificationPlan
    var text = "\(r.probeFile): \(r.architecture), tasks \(r.tasks.map(String.init).joined(separator: ", ")) "
      + "of \(plan.tasks); CKA on \(r.method.ckaProbeSet)-class probe images\n\n"
    if let d = r.decision { text += decision(d) }
    text += "recommended split: \(r.recommendedSplit ?? "none") (confidence: \(r.confidence))\n\n"
    if legacy { text += legacyScore + "\n" }

    let recommended = r.decision.map { $0.split != nil } ?? (r.recommendedSplit != nil)
    func role(_ name: String) -> String {
      VerificationPlan.Role(rawValue: name)?.name(recommended: recommended) ?? name
    }
    var candidates = TextTable(["split", "shared G", "specialized S", "S in exemplars",
                                "exemplars", "plan"], leftAligned: [0, 5])
    for c in r.candidates {
      candidates.add([
        c.split, grouped(c.sharedParameters), grouped(c.specializedParameters),
        grouped(c.specializedExemplarEquivalents, decimals: 1), c.exemplars.map(grouped) ?? "—",
        c.planRoles.map(role).joined(separator: ", "),
      ])
    }
    text += "legal splits (exemplars at \(plan.budget) = \(grouped(plan.budgetBytes)) bytes "
      + "after \(plan.tasks) tasks, \(grouped(plan.imageBytes)) bytes per exemplar)\n"
      + candidates.rendered + "\n"

    text += "verification plan (\(plan.architecture), \(plan.tasks) tasks, \(plan.budget)):\n"
    var rows = TextTable(["split", "learner", "roles", "model bytes", "exemplars"],
                         leftAligned: [0, 1, 2])
    for c in plan.candidates {
      rows.add([c.split, c.learner, c.roles.map(role).joined(separator: ", "), grouped(c.modelBytes),
                c.exemplars.map(grouped) ?? "— (model exceeds the budget)"])
    }
    text += rows.rendered
    let notes = legacy ? r.notes : r.notes.filter { $0 != SplitReport.legacyNote }
    if !notes.isEmpty {
      text += "\nnotes:\n" + notes.map { "  \($0)\n" }.joined()
    }
    return text
  }

  /// The first wave's score (`SplitDerivation`): per block, its candidates' change-point cost,
  /// explained variance, contrast, votes and bootstrap, and its own recommendation.
  private var legacyScore: String {
    let r = report
    var blocks = TextTable(["block", "parameters"] + r.method.metrics + ["score"],
                           leftAligned: [0])
    for b in r.blocks {
      blocks.add([b.block, grouped(b.parameters)] + b.metrics.map { number($0.normalized) }
                 + [number(b.score)])
    }
    var text = "legacy score, first seed only, not used for the decision (each metric min–max "
      + "normalized per task over the body blocks, mean over tasks)\n" + blocks.rendered
    var candidates = TextTable(["split", "cost", "explained", "contrast", "metrics", "bootstrap"],
                               leftAligned: [0, 4])
    for c in r.candidates {
      candidates.add([c.split, number(c.changePointCost), number(c.explainedVariance),
                      number(c.contrast), c.metricVotes.isEmpty ? "–" : "\(c.metricVotes.count)",
                      percent(c.bootstrapFrequency)])
    }
    text += "legacy change points\n" + candidates.rendered
    text += "legacy evidence (its own change point):\n"
    for line in r.evidence { text += "  + \(line)\n" }
    for line in r.caveats { text += "  - \(line)\n" }
    let u = r.uncertainty
    if let interval = u.interval {
      text += "  bootstrap over tasks (\(u.samples) resamples, seed \(u.seed)): "
        + "\(Int((u.level * 100).rounded()))% of the choices fall in \(interval[0]) … \(interval[1])"
        + (u.noSplitFrequency > 0 ? "; no split in \(percent(u.noSplitFrequency))" : "") + "\n"
    }
    text += "  metrics alone: " + r.metricSplits.map { "\($0.metric) → \($0.split ?? "no step")" }
      .joined(separator: ", ") + "\n"
    text += "  rank correlation across body blocks: " + r.rankCorrelations.map {
      "\($0.metrics.joined(separator: " ~ ")) \(number($0.spearman))"
    }.joined(separator: ", ") + "\n"
    return text
  }

  /// The decision first: split or not, p-value, seeds, the metric; then the agreement table.
  private func decision(_ d: SplitReport.Decision) -> String {
    var text = "decision: " + (d.split.map { "split at \($0)" } ?? "no clear split")
      + " (p = \(number(d.pValue)); p_flat \(number(d.pFlat)), p_trend \(number(d.pTrend)); "
      + "\(d.primaryMetric) over \(d.seeds.count) seed(s) \(d.seeds.map(String.init).joined(separator: ",")) "
      + "× \(d.tasks.count) task(s), \(d.profiles) profiles)\n"
    text += "  best step: \(d.bestStep ?? "none") (\(d.bestStepRises ? "rising" : "falling")), "
      + "effect \(general(d.effect)) \(d.primaryMetric)"
      + (d.effectInNoiseUnits.map { " = \(general($0)) noise units" } ?? "") + "\n"
    text += "  metrics used: \(d.metricsUsed.joined(separator: ", "))"
      + (d.metricsDisagreeing.isEmpty ? "" : "; disagreeing: \(d.metricsDisagreeing.joined(separator: ", "))")
      + "\n"
    var table = TextTable(["metric", "kind", "Spearman ρ per seed", "mean ρ", "agrees"],
                          leftAligned: [0, 1, 2])
    let rows = (d.interventionAgreements ?? []).map { ($0, "must agree") }
      + d.agreements.map { ($0, "diagnostic") }
    for (a, kind) in rows {
      let rho = { (x: Double?) in x.map { String(format: "%.2f", $0) } ?? "NaN" }
      table.add([a.metric, kind, a.perSeed.map(rho).joined(separator: " "), rho(a.meanCorrelation),
                 a.agrees ? "yes" : "no (< \(grouped(d.agreementThreshold, decimals: 2)))"])
    }
    text += "agreement with \(d.primaryMetric) over the body blocks (an interventional probe "
      + "that does not agree withdraws a split; diagnostics never decide)\n" + table.rendered
    for note in d.notes where legacy || note != SplitReport.legacyNote { text += "  note: \(note)\n" }
    return text
  }

  /// Any finite magnitude (a probe file may hold values of any size): 4 significant digits.
  private func general(_ x: Double?) -> String {
    x.map { String(format: "%.4g", $0) } ?? "NaN"
  }

  private func number(_ x: Double?) -> String {
    x.map { grouped($0, decimals: 3) } ?? "NaN"
  }

  private func percent(_ x: Double) -> String { "\(grouped(100 * x, decimals: 1))%" }
}
