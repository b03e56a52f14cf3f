import Analysis
import Foundation
import Recording

/// The probe sections: per-block profiles, CKA maps, per-task trends and the rewind/retrain
/// curves. Every value is the mean over the probe file's seeds with its 95% t interval over
/// seeds (error bars in charts, "mean ± half-width" in tables, `ProbeSeeds`); with one seed the
/// titles say so and there is no interval. Tidy per-seed values go to CSV files.
extension ReportContent {
  /// Aligned per-block panels: one line per task (mean over seeds), the split marked.
  static func profiles(_ report: RunReport) -> Section {
    var s = Section(title: "Block-wise probes")
    let p = report.probes, seeds = ProbeSeeds(report.seeds)
    let split = report.recommendedSplit
    func chart(_ title: String, _ label: String, _ rows: [[MeanInterval]],
               including: [Double] = [0]) -> String
    {
      BlockProfileChart(title: "\(title); \(seeds.label)", yLabel: label, blocks: p.blocks,
                        series: zip(p.tasks, rows).map { .init(name: "task \($0)", intervals: $1) },
                        split: split, yIncluding: including,
                        ownScale: p.blocks.filter { $0 == "head" }).svg
    }
    let gradient = seeds.summary { $0.gradientNormNormalized.map(RunReport.epochMean) }
    let shift = seeds.summary(\.shift)
    let dissimilarity = seeds.summary { $0.ckaOld.map { $0.map { 1 - $0 } } }
    s.charts.append(("grad_norm", chart("Gradient norm per parameter (mean over epochs)",
                                        "‖∇θ‖ / √|θ| (per parameter)", gradient)))
    s.charts.append(("param_shift", chart("Parameter shift over the task",
                                          "‖Δθ‖ / ‖θ‖ (ratio)", shift)))
    s.charts.append(("one_minus_cka_old", chart("1 − CKA on old-class probe images",
                                                "1 − CKA (0–1)", dissimilarity,
                                                including: [0, 1])))
    if let split = report.split {
      let scores = split.blocks.map { $0.score ?? .nan }
      s.charts.append(("score", BlockProfileChart(
        title: (split.decision == nil ? "Sensitivity score" : "Legacy score")
          + " (min–max metrics, mean over tasks; seed \(seeds.seeds[0]) only"
          + (split.decision == nil ? ")" : ", decides nothing)"), yLabel: "score (0–1)",
        blocks: split.blocks.map(\.block), series: [.init(name: "score", values: scores)],
        split: split.recommendedSplit, yIncluding: [0, 1],
        ownScale: split.blocks.map(\.block).filter { $0 == "head" }).svg))
    }
    s.text.append("Lines are tasks; the dashed line marks the split. The head is the classifier, "
      + "on a scale of its own at the right so that it does not flatten the body blocks. "
      + (seeds.isOne ? "One seed (\(seeds.seeds[0])): no interval."
        : "Each point is the mean over \(seeds.records.count) seeds "
          + "(\(seeds.seeds.map(String.init).joined(separator: ", "))), its error bar the 95% "
          + "t interval over seeds; tables print mean ± half-width, and the per-seed values are "
          + "in tables/probes.csv."))
    let columns = [("grad_norm_normalized (mean over epochs)", "grad_norm_normalized_epoch_mean"),
                   ("param_shift", "param_shift"),
                   ("param_cosine_distance", "param_cosine_distance"),
                   ("bn_stat_shift", "bn_stat_shift"), ("cka_old", "cka_old"),
                   ("cka_new", "cka_new")]
    let variables: [(ProbeRecord) -> [[Double]]] = [
      { $0.gradientNormNormalized.map(RunReport.epochMean) }, { $0.shift }, { $0.cosineDistance },
      { $0.statisticsShift }, { $0.ckaOld }, { $0.ckaNew }]
    let summaries = variables.map { seeds.summary($0) }
    var rows: [[Table.Cell]] = []
    for (i, task) in p.tasks.enumerated() {
      for (b, block) in p.blocks.enumerated() {
        let key: [Table.Cell] = [.integer(task), .text(block)]
        rows.append(key + summaries.map { ProbeSeeds.cell($0[i][b]) })
      }
    }
    let header: [Table.Column] = [.init("task"), .init("block")]
      + columns.map { Table.Column($0.0, name: $0.1) }
    if seeds.isOne {
      s.tables.append(("probes", Table(columns: header, rows: rows)))
    } else {
      s.tables.append(("probes_seed_mean", Table(columns: header, rows: rows)))
      var tidy: [[Table.Cell]] = []
      for record in seeds.records {
        let values = variables.map { $0(record) }
        for (i, task) in p.tasks.enumerated() {
          for (b, block) in p.blocks.enumerated() {
            let key: [Table.Cell] = [.text(String(record.seed)), .integer(task), .text(block)]
            tidy.append(key + values.map { Table.Cell.number($0[i][b]) })
          }
        }
      }
      s.dataTables.append(("probes", Table(columns: [.init("seed")] + header, rows: tidy)))
    }
    return s
  }

  static func heatmaps(_ report: RunReport) -> Section {
    var s = Section(title: "Feature similarity (CKA) before and after each task")
    let p = report.probes, seeds = ProbeSeeds(report.seeds)
    let rows = p.tasks.map(String.init)
    // A cell's tooltip: its interval over seeds, or why it is NaN (the first seed's reason:
    // the mean is NaN only when every seed's value is).
    func notes(_ summary: [[MeanInterval]], _ reasons: [[String]]) -> [[String]] {
      summary.indices.map { t in
        summary[t].indices.map { b in
          let i = summary[t][b]
          guard i.mean.isFinite else { return reasons[t][b] }
          return i.hasInterval ? String(format: "95%% interval %.4f to %.4f", i.low, i.high)
            + " over \(i.count) seeds" : ""
        }
      }
    }
    for (name, title, summary, reasons) in [
      ("cka_old", "CKA, old-class probe images", seeds.summary(\.ckaOld), p.ckaOldNote),
      ("cka_new", "CKA, new-class probe images", seeds.summary(\.ckaNew), p.ckaNewNote),
    ] {
      s.charts.append((name, Heatmap(title: "\(title); \(seeds.label)", rows: rows,
                                     columns: p.blocks, values: summary.map { $0.map(\.mean) },
                                     notes: notes(summary, reasons)).svg))
    }
    s.text.append("Colour scale fixed at 0–1 for both maps; grey cells are NaN, with the reason "
      + "in their tooltip. "
      + (seeds.isOne ? "One seed (\(seeds.seeds[0]))."
        : "Each cell is the mean over \(seeds.records.count) seeds; its tooltip gives the 95% "
          + "interval over seeds."))
    return s
  }

  /// Per task: the mean of each metric over the shared and over the specialized blocks, mean
  /// over seeds with its interval.
  static func trends(_ report: RunReport) -> Section {
    var s = Section(title: "Per-task trends")
    let p = report.probes, seeds = ProbeSeeds(report.seeds)
    let body = p.blocks.filter { $0 != "head" }
    let k = report.recommendedSplit.flatMap { body.firstIndex(of: $0) } ?? body.count
    let groups = k < body.count ? [("shared", 0..<k), ("specialized", k..<body.count)]
      : [("all body blocks", 0..<body.count)]
    func point(_ x: Int, _ values: [Double], label: String = "") -> XYChart.Point {
      let i = MeanInterval(values)
      return .init(x: Double(x), y: i.mean, label: label,
                   interval: i.hasInterval ? i.low...i.high : nil)
    }
    let metrics: [(String, (ProbeRecord) -> [[Double]], String)] = [
      ("param_shift", { $0.shift }, "‖Δθ‖ / ‖θ‖ (ratio)"),
      ("one_minus_cka_old", { $0.ckaOld.map { $0.map { 1 - $0 } } }, "1 − CKA (0–1)"),
    ]
    for (name, variable, label) in metrics {
      let values = seeds.records.map(variable)
      let series = groups.map { group in
        XYChart.Series(name: group.0, points: p.tasks.indices.map { t in
          point(p.tasks[t], values.map { v in ProbeSeeds.mean(group.1.map { v[t][$0] }) },
                label: "task \(p.tasks[t])")
        })
      }
      s.charts.append(("trend_\(name)", XYChart(title: "\(label) by task, block groups; "
                                                  + seeds.label,
                                                xLabel: "task (0-based)", yLabel: label,
                                                series: series, integerX: true).svg))
    }
    let accuracy = XYChart(
      title: "Probe run accuracy on each task's classes; \(seeds.label)",
      xLabel: "task trained (0-based)", yLabel: "accuracy (%)",
      series: (0..<p.runTasks).map { j -> XYChart.Series in
        XYChart.Series(name: "task \(j) classes", points: p.tasks.indices.compactMap { t -> XYChart.Point? in
          let values = seeds.records.map { r in
            j < r.accuracy[t].count ? 100 * r.accuracy[t][j] : .nan
          }
          return values.contains(where: \.isFinite) ? point(p.tasks[t], values) : nil
        })
      }, yIncluding: [0, 100], integerX: true)
    s.charts.append(("probe_accuracy", accuracy.svg))
    if !seeds.isOne {
      s.text.append("Points are means over \(seeds.records.count) seeds with 95% t intervals.")
    }
    return s
  }

  /// The rewind and the retrain curves, each when recorded (a sentence when not).
  static func splitProbes(_ report: RunReport, split: String?, into s: inout Section) {
    for probe in SplitProbeText.all {
      guard report.seeds.contains(where: { probe.record($0) != nil }) else {
        s.text.append("\(probe.label) curve: not recorded in this run (strata probe "
                      + "--\(probe.name) records it).")
        continue
      }
      curve(report, probe.record, name: probe.name, split: split, into: &s, title: probe.title,
            text: probe.text)
    }
  }

  /// What the report says about one split probe: the rewind curve (accuracy over the split from
  /// which the body is set back to the previous task's values) and the retrain curve (accuracy
  /// over the split from which the body is trained, the blocks before it frozen), each the mean
  /// over tasks, then seeds, with every task in a table.
  struct SplitProbeText: Sendable {
    var name: String
    var label: String
    var record: @Sendable (ProbeRecord) -> RewindRecord?
    var title: String
    var text: String

    static let all = [
      SplitProbeText(
        name: "rewind", label: "Rewind", record: { $0.rewind },
        title: "Rewind: accuracy, blocks from the split on set back to task t−1 (mean over tasks)",
        text: "Rewind curve: after task t, every body block from the split onward is set "
          + "back to its values at the end of task t−1 (the classifier stays as trained; stem "
          + "rewinds the whole body, none nothing). New-class accuracy that holds while the "
          + "shallow blocks are rewound says those blocks need no plasticity; where it drops is "
          + "where the task needed to change the network."),
      SplitProbeText(
        name: "retrain", label: "Retrain", record: { $0.retrain },
        title: "Retrain: accuracy, only the blocks from the split on trained (mean over tasks)",
        text: "Retrain curve: for task t, the network at the end of task t−1 is trained on "
          + "task t as the learner trains it, with every body block before the split frozen "
          + "(stem trains what the learner trains, none only the classifier). Where the "
          + "new-class accuracy falls below stem's is how deep the task needs plasticity; the "
          + "old-class accuracy shows what training fewer blocks spares."),
    ]
  }

  /// A split probe's chart (old and new classes; per seed the mean over tasks, then the mean
  /// over seeds with its interval), text and per-task table (mean ± half-width over seeds,
  /// tidy per-seed values in the CSV).
  private static func curve(_ report: RunReport, _ probe: (ProbeRecord) -> RewindRecord?,
                            name: String, split: String?, into s: inout Section, title: String,
                            text: String)
  {
    let recorded = report.seeds.compactMap { r in probe(r).map { (seed: r.seed, probe: $0) } }
    let seeds = ProbeSeeds(report.seeds.filter { probe($0) != nil })
    let splits = recorded[0].probe.splits, tasks = report.probes.tasks
    func perSeed(_ rows: (RewindRecord) -> [[Double]]) -> [MeanInterval] {
      splits.indices.map { k in
        MeanInterval(recorded.map { r in 100 * ProbeSeeds.mean(rows(r.probe).map { $0[k] }) })
      }
    }
    s.charts.append((name, BlockProfileChart(
      title: title + "; " + seeds.label, yLabel: "accuracy (%)", blocks: splits,
      series: [.init(name: "old classes", intervals: perSeed(\.oldAccuracy)),
               .init(name: "new classes", intervals: perSeed(\.newAccuracy))],
      split: split, yIncluding: [0, 100]).svg))
    s.text.append(text + (seeds.isOne ? "" : " Points are means over \(seeds.records.count) "
      + "seeds with 95% t intervals; the table prints mean ± half-width, tables/\(name).csv "
      + "every seed."))
    let header: [Table.Column] = [
      .init("task"), .init("split"),
      .init("\(name)_old_accuracy (%)", name: name + "_old_accuracy"),
      .init("\(name)_new_accuracy (%)", name: name + "_new_accuracy")]
    var rows: [[Table.Cell]] = []
    for (i, task) in tasks.enumerated() {
      for (k, split) in splits.enumerated() {
        let old = MeanInterval(recorded.map { $0.probe.oldAccuracy[i][k] })
        let new = MeanInterval(recorded.map { $0.probe.newAccuracy[i][k] })
        rows.append([.integer(task), .text(split), ProbeSeeds.percentCell(old),
                     ProbeSeeds.percentCell(new)])
      }
    }
    guard !seeds.isOne else {
      s.tables.append((name, Table(columns: header, rows: rows)))
      return
    }
    s.tables.append((name + "_seed_mean", Table(columns: header, rows: rows)))
    var tidy: [[Table.Cell]] = []
    for r in recorded {
      for (i, task) in tasks.enumerated() {
        for (k, split) in splits.enumerated() {
          tidy.append([.text(String(r.seed)), .integer(task), .text(split),
                       .percent(r.probe.oldAccuracy[i][k]), .percent(r.probe.newAccuracy[i][k])])
        }
      }
    }
    s.dataTables.append((name, Table(columns: [.init("seed")] + header, rows: tidy)))
  }
}
