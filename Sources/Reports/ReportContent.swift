import Analysis
import Foundation
import Recording

/// The report's sections as values (tables and charts), rendered by `ReportWriter` into HTML,
/// Markdown and CSV.
struct ReportContent {
  struct Section {
    var title: String
    var text: [String] = []
    /// (file stem for the CSV, table).
    var tables: [(String, Table)] = []
    /// (file stem for the SVG, markup).
    var charts: [(String, String)] = []
  }

  var title: String
  var sections: [Section] = []

  init(_ report: RunReport) {
    let p = report.probes
    title = "Strata layer-sensitivity report: \(report.split?.architecture ?? "run") "
      + "(\(URL(fileURLWithPath: report.directory).lastPathComponent))"
    sections.append(Self.summary(report))
    sections.append(Self.blocks(report))
    sections.append(Self.profiles(report))
    sections.append(Self.heatmaps(p))
    sections.append(Self.trends(report))
    if let split = report.split {
      sections.append(Self.candidates(split, probes: p))
    } else if p.rewind != nil || p.retrain != nil {
      let title = switch (p.rewind != nil, p.retrain != nil) {
      case (true, true): "Rewind and retrain probes"
      case (true, false): "Rewind probe"
      default: "Retrain probe"
      }
      var probes = Section(title: title)
      Self.splitProbes(p, split: nil, into: &probes)
      sections.append(probes)
    }
    if let verification = report.verification { sections.append(Self.verification(verification)) }
    sections.append(Self.caveats(report))
  }

  static func summary(_ report: RunReport) -> Section {
    var s = Section(title: "Summary")
    if let split = report.split {
      s.text.append("Recommended split: \(split.recommendedSplit ?? "none found") "
        + "(confidence: \(split.confidence)).")
      s.text += split.evidence
    } else {
      s.text.append("No split.json in this folder: run strata split to get a recommendation.")
    }
    if let v = report.verification?.verdict {
      s.text.append("Verification: \(v.status.uppercased()). \(v.reason).")
    } else {
      s.text.append("No verify.h5 in this folder: run strata verify to test the recommendation.")
    }
    s.text.append("Tasks probed: \(report.probes.tasks.map(String.init).joined(separator: ", ")) "
      + "of \(report.probes.runTasks); probe file \(report.probes.path).")
    return s
  }

  static func blocks(_ report: RunReport) -> Section {
    var s = Section(title: "Blocks")
    let entries = report.registry?.entries ?? []
    let backbone = entries.filter { $0.kind != .head }.reduce(0) { $0 + $1.parameterCount }
    let roles = Dictionary(uniqueKeysWithValues: (report.split?.blocks ?? []).map { ($0.block, $0.role) })
    let scores = Dictionary(uniqueKeysWithValues: (report.split?.blocks ?? []).map { ($0.block, $0.score) })
    let rows = report.probes.blocks.map { name -> [String] in
      let entry = entries.first { $0.name == name }
      let share = entry.map { $0.kind == .head || backbone == 0 ? "—"
        : String(format: "%.2f", 100 * Double($0.parameterCount) / Double(backbone)) } ?? "—"
      return [name, entry.map { "\($0.parameterCount)" } ?? "—", share,
              entry.map { "\($0.multiplyAccumulates)" } ?? "—",
              (scores[name] ?? nil).map(formatted) ?? "—", roles[name] ?? "—"]
    }
    s.tables.append(("blocks", Table(columns: ["block", "parameters", "share of backbone %",
                                               "multiply-accumulates", "score", "role"],
                                     rows: rows)))
    return s
  }

  /// Aligned per-block panels: one line per task, the split marked.
  static func profiles(_ report: RunReport) -> Section {
    var s = Section(title: "Block-wise probes")
    let p = report.probes
    let split = report.recommendedSplit
    func chart(_ title: String, _ label: String, _ rows: [[Double]], including: [Double] = [0])
      -> String
    {
      BlockProfileChart(title: title, yLabel: label, blocks: p.blocks,
                        series: zip(p.tasks, rows).map { .init(name: "task \($0)", values: $1) },
                        split: split, yIncluding: including).svg
    }
    let gradient = p.gradientNormNormalized.map(RunReport.epochMean)
    let shift = p.shift
    let dissimilarity = p.ckaOld.map { $0.map { 1 - $0 } }
    s.charts.append(("grad_norm", chart("Gradient norm per parameter (mean over epochs)",
                                        "‖∇θ‖ / √|θ|", gradient)))
    s.charts.append(("param_shift", chart("Parameter shift over the task", "‖Δθ‖ / ‖θ‖", shift)))
    s.charts.append(("one_minus_cka_old", chart("1 − CKA on old-class probe images", "1 − CKA",
                                                dissimilarity, including: [0, 1])))
    if let split = report.split {
      let scores = split.blocks.map { $0.score ?? .nan }
      s.charts.append(("score", BlockProfileChart(
        title: "Sensitivity score (normalized metrics, mean over tasks)", yLabel: "score",
        blocks: split.blocks.map(\.block), series: [.init(name: "score", values: scores)],
        split: split.recommendedSplit, yIncluding: [0, 1]).svg))
    }
    var rows: [[String]] = []
    for (i, task) in p.tasks.enumerated() {
      for (b, block) in p.blocks.enumerated() {
        rows.append(["\(task)", block, formatted(gradient[i][b]), formatted(shift[i][b]),
                     formatted(p.cosineDistance[i][b]), formatted(p.statisticsShift[i][b]),
                     formatted(p.ckaOld[i][b]), formatted(p.ckaNew[i][b])])
      }
    }
    s.tables.append(("probes", Table(columns: ["task", "block", "grad_norm_normalized",
                                               "param_shift", "param_cosine_distance",
                                               "bn_stat_shift", "cka_old", "cka_new"],
                                     rows: rows)))
    return s
  }

  static func heatmaps(_ p: ProbeRecord) -> Section {
    var s = Section(title: "Feature similarity (CKA) before and after each task")
    let rows = p.tasks.map(String.init)
    s.charts.append(("cka_old", Heatmap(title: "CKA, old-class probe images", rows: rows,
                                        columns: p.blocks, values: p.ckaOld,
                                        notes: p.ckaOldNote).svg))
    s.charts.append(("cka_new", Heatmap(title: "CKA, new-class probe images", rows: rows,
                                        columns: p.blocks, values: p.ckaNew,
                                        notes: p.ckaNewNote).svg))
    s.text.append("Colour scale fixed at 0–1 for both maps; grey cells are NaN, with the reason "
      + "in their tooltip.")
    return s
  }

  /// Per task: the mean of each metric over the shared and over the specialized blocks.
  static func trends(_ report: RunReport) -> Section {
    var s = Section(title: "Per-task trends")
    let p = report.probes
    let body = p.blocks.filter { $0 != "head" }
    let k = report.recommendedSplit.flatMap { body.firstIndex(of: $0) } ?? body.count
    func mean(_ row: [Double], _ range: Range<Int>) -> Double {
      let v = range.map { row[$0] }.filter { !$0.isNaN }
      return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }
    let groups = k < body.count ? [("shared", 0..<k), ("specialized", k..<body.count)]
      : [("all body blocks", 0..<body.count)]
    for (name, rows, label) in [("param_shift", p.shift, "‖Δθ‖ / ‖θ‖"),
                                ("one_minus_cka_old", p.ckaOld.map { $0.map { 1 - $0 } }, "1 − CKA")] {
      let series = groups.map { group in
        XYChart.Series(name: group.0, points: zip(p.tasks, rows).map {
          .init(x: Double($0), y: mean($1, group.1), label: "task \($0)")
        })
      }
      s.charts.append(("trend_\(name)", XYChart(title: "\(label) by task, block groups",
                                                xLabel: "task", yLabel: label, series: series).svg))
    }
    let accuracy = XYChart(
      title: "Probe run accuracy on each task's classes", xLabel: "task trained",
      yLabel: "accuracy", series: (0..<p.runTasks).map { j in
        .init(name: "task \(j) classes", points: zip(p.tasks, p.accuracy).compactMap { t, row in
          j < row.count && !row[j].isNaN ? .init(x: Double(t), y: row[j]) : nil
        })
      }, yIncluding: [0, 1])
    s.charts.append(("probe_accuracy", accuracy.svg))
    return s
  }

  static func candidates(_ split: SplitReport, probes: ProbeRecord) -> Section {
    var s = Section(title: "Candidate splits")
    let rows = split.candidates.map { c in
      [c.split, c.changePointCost.map(formatted) ?? "—", c.contrast.map(formatted) ?? "—",
       c.metricVotes.joined(separator: " "), formatted(c.bootstrapFrequency),
       "\(c.specializedParameters)", formatted(c.specializedExemplarEquivalents),
       c.exemplars.map(String.init) ?? "—", c.planRoles.joined(separator: ", ")]
    }
    s.tables.append(("candidates", Table(
      columns: ["split", "change-point cost", "contrast", "metrics picking it",
                "bootstrap frequency", "specialized parameters", "exemplars per copy",
                "exemplars at budget", "plan"], rows: rows)))
    let agreement = split.rankCorrelations.map {
      [$0.metrics.joined(separator: " vs "), $0.spearman.map(formatted) ?? "NaN"]
    }
    s.tables.append(("metric_agreement", Table(columns: ["metrics", "Spearman ρ over blocks"],
                                               rows: agreement)))
    splitProbes(probes, split: split.recommendedSplit, into: &s)
    return s
  }

  /// The rewind and the retrain curves, each when recorded.
  static func splitProbes(_ p: ProbeRecord, split: String?, into s: inout Section) {
    rewind(p, split: split, into: &s)
    retrain(p, split: split, into: &s)
  }

  /// The rewind curve: accuracy over the split from which the body is set back to the previous
  /// task's values, mean over tasks, and every task in a table; a sentence when not recorded.
  static func rewind(_ p: ProbeRecord, split: String?, into s: inout Section) {
    guard let r = p.rewind else {
      s.text.append("Rewind curve: not recorded in this run (strata probe --rewind records it).")
      return
    }
    curve(r, p, name: "rewind", split: split, into: &s,
          title: "Accuracy with the blocks from the split onward rewound to the previous task "
            + "(mean over tasks)",
          text: "Rewind curve: after task t, every body block from the split onward is set "
            + "back to its values at the end of task t−1 (the classifier stays as trained; stem "
            + "rewinds the whole body, none nothing). New-class accuracy that holds while the "
            + "shallow blocks are rewound says those blocks need no plasticity; where it drops is "
            + "where the task needed to change the network.")
  }

  /// The retrain curve: accuracy over the split from which the body is trained (the blocks
  /// before it frozen at the previous task's values), mean over tasks, and every task in a table.
  static func retrain(_ p: ProbeRecord, split: String?, into s: inout Section) {
    guard let r = p.retrain else {
      s.text.append("Retrain curve: not recorded in this run (strata probe --retrain records it).")
      return
    }
    curve(r, p, name: "retrain", split: split, into: &s,
          title: "Accuracy after training the task with only the blocks from the split onward "
            + "(mean over tasks)",
          text: "Retrain curve: for task t, the network at the end of task t−1 is trained on "
            + "task t as the learner trains it, with every body block before the split frozen "
            + "(stem trains what the learner trains, none only the classifier). Where the "
            + "new-class accuracy falls below stem's is how deep the task needs plasticity; the "
            + "old-class accuracy shows what training fewer blocks spares.")
  }

  /// A split probe's chart (old and new classes, mean over tasks), text and per-task table.
  private static func curve(_ r: RewindRecord, _ p: ProbeRecord, name: String, split: String?,
                            into s: inout Section, title: String, text: String)
  {
    func mean(_ rows: [[Double]]) -> [Double] {
      r.splits.indices.map { k in
        let v = rows.map { $0[k] }.filter { !$0.isNaN }
        return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
      }
    }
    s.charts.append((name, BlockProfileChart(
      title: title, yLabel: "accuracy", blocks: r.splits,
      series: [.init(name: "old classes", values: mean(r.oldAccuracy)),
               .init(name: "new classes", values: mean(r.newAccuracy))],
      split: split, yIncluding: [0, 1]).svg))
    s.text.append(text)
    var rows: [[String]] = []
    for (i, task) in p.tasks.enumerated() {
      for (k, split) in r.splits.enumerated() {
        rows.append(["\(task)", split, formatted(r.oldAccuracy[i][k]),
                     formatted(r.newAccuracy[i][k])])
      }
    }
    s.tables.append((name, Table(columns: ["task", "split", name + "_old_accuracy",
                                           name + "_new_accuracy"], rows: rows)))
  }

  static func verification(_ v: VerificationRecord) -> Section {
    var s = Section(title: "Verification at equal memory")
    s.text.append("Verdict: \(v.verdict.status.uppercased()). \(v.verdict.reason). "
      + "Metric: \(v.verdict.metric); tolerance \(percent(v.verdict.tolerance)) points.")
    VerificationGridContent(v).add(to: &s)
    let memory = XYChart(
      title: "Accuracy against total memory (model + exemplars)", xLabel: "memory (MiB)",
      yLabel: "average incremental accuracy", series: v.candidates.map { c in
        .init(name: c, points: v.runs.filter { $0.candidate == c }.map { run in
          .init(x: Double(run.summary.totalBytes.last ?? 0) / 1_048_576,
                y: run.summary.cnn.averageIncrementalAccuracy,
                label: "seed \(run.seed), \(run.summary.exemplars.last ?? 0) exemplars")
        }, connected: v.budgets.count > 1 && v.seeds.count == 1)
      })
    s.charts.append(("accuracy_memory", memory.svg))
    let first = v.budgets[0]
    let curves = XYChart(
      title: "Accuracy on all seen classes after each task (budget \(first) bytes, seed \(v.seeds[0]))",
      xLabel: "task", yLabel: "accuracy", series: v.candidates.compactMap { c in
        v.run(c, budget: first, seed: v.seeds[0]).map { run in
          .init(name: c, points: run.summary.cnn.total.enumerated().map {
            .init(x: Double($0), y: $1)
          })
        }
      }, yIncluding: [0, 1])
    s.charts.append(("accuracy_tasks", curves.svg))
    var rows: [[String]] = []
    for (i, c) in v.candidates.enumerated() {
      for budget in v.budgets {
        for seed in v.seeds {
          guard let r = v.run(c, budget: budget, seed: seed)?.summary else { continue }
          rows.append([c, v.roles[i], "\(budget)", "\(seed)", percent(r.cnn.averageIncrementalAccuracy),
                       percent(r.cnn.lastAccuracy), percent(r.cnn.forgetting),
                       "\(r.modelBytes.last ?? 0)", "\(r.exemplars.last ?? 0)",
                       "\(r.totalBytes.last ?? 0)"])
        }
      }
    }
    s.tables.append(("verification", Table(
      columns: ["split", "role", "budget bytes", "seed", "average incremental accuracy %",
                "last accuracy %", "forgetting %", "model bytes", "exemplars", "total bytes"],
      rows: rows)))
    return s
  }

  static func caveats(_ report: RunReport) -> Section {
    var s = Section(title: "Caveats")
    s.text += report.split?.caveats ?? []
    s.text += report.split?.notes ?? []
    let p = report.probes.provenance
    s.text.append("Probe run seed \(p.seed), \(p.threads) thread(s); Strata \(p.strataVersion) "
      + "(\(p.gitCommit)). CKA: minibatch linear CKA with unbiased HSIC₁, per-batch means "
      + "subtracted, Float64 sums, never clamped.")
    if let v = report.verification {
      s.text.append("Verification seeds: \(v.seeds.map(String.init).joined(separator: ", ")); "
        + "with one seed the verdict cannot separate a small gap from seed noise.")
    }
    return s
  }
}
