import Analysis
import Foundation

extension ReportContent {
  /// The split section's head: the decision first (split or "no clear split", p-value, seeds,
  /// the metric it rests on), then the agreement table, then the primary profile's mean over
  /// seeds with its 95% interval (chart and table). The diagnostics follow in later sections.
  static func splitDecision(_ d: SplitReport.Decision) -> Section {
    var s = Section(title: "Split decision")
    let seeds = d.seeds.map(String.init).joined(separator: ", ")
    s.text.append((d.split.map { "Split at \($0)" } ?? "No clear split")
      + String(format: " (p = %.3g; not flat p = %.3g, not a smooth trend p = %.3g). ",
               d.pValue, d.pFlat, d.pTrend)
      + "Rests on \(d.primaryMetric) over \(d.seeds.count) seed(s) (\(seeds)) × "
      + "\(d.tasks.count) task(s), \(d.profiles) profiles; level \(d.level).")
    s.text.append("Best step: \(d.bestStep ?? "none") (\(d.bestStepRises ? "rising" : "falling")), "
      + "effect " + (d.effect.map { String(format: "%.4g", $0) } ?? "NaN") + " \(d.primaryMetric)"
      + (d.effectInNoiseUnits.map { String(format: " (%.3g noise units)", $0) } ?? "") + ".")
    s.text.append("Metrics used: \(d.metricsUsed.joined(separator: ", "))"
      + (d.metricsDisagreeing.isEmpty ? "." : "; disagreeing (shown, never averaged): "
         + d.metricsDisagreeing.joined(separator: ", ") + "."))
    let required = d.metricsRequired ?? []
    s.text.append(required.isEmpty
      ? "No interventional probe in the probe file (strata probe --rewind / --retrain records "
        + "them): the decision rests on \(d.primaryMetric) alone."
      : "Interventional probes that must agree with \(d.primaryMetric) for a split: "
        + required.joined(separator: ", ") + ".")
    s.text += d.notes.map(Section.sentence)
    let rho = { (x: Double?) in x.map { String(format: "%.2f", $0) } ?? "NaN" }
    let compared = (d.interventionAgreements ?? []).map { ($0, "must agree") }
      + d.agreements.map { ($0, "diagnostic") }
    s.tables.append(("split_agreement", Table(
      columns: ["diagnostic"] + d.seeds.map { "rho seed \($0)" } + ["mean rho", "agrees", "role"],
      rows: compared.map { a, role in
        [a.metric] + a.perSeed.map(rho) + [rho(a.meanCorrelation), a.agrees ? "yes" : "no", role]
      })))
    let seedMeans = (d.seedMeans ?? []).map { $0.map { $0 ?? .nan } }
    let intervals = d.blocks.indices.map { b in
      MeanInterval(seedMeans.map { $0[b] }.filter(\.isFinite))
    }
    // One seed: its mean over tasks, no interval (empty bounds).
    s.tables.append(("split_primary_profile", Table(
      columns: [.init("block", name: "body_block"),
                .init("mean over seeds", name: "primary_mean"),
                .init("95% low", name: "primary_ci_low"), .init("95% high", name: "primary_ci_high"),
                .init("seeds")],
      rows: d.blocks.indices.map { b in
        let i = intervals[b]
        return [.text(d.blocks[b]), .number(i.mean), .number(i.low), .number(i.high),
                .integer(i.count)]
      })))
    let chart = BlockProfileChart(
      title: "\(d.primaryMetric): " + (d.seeds.count == 1 ? "one seed (\(d.seeds[0])), no interval"
        : "mean over \(d.seeds.count) seeds, 95% interval"), yLabel: d.primaryMetric,
      blocks: d.blocks, series: [.init(name: "mean over tasks", intervals: intervals)],
      split: d.split)
    s.charts.append(("split_primary_profile", chart.svg))
    return s
  }
}
