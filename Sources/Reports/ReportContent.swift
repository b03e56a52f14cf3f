import Analysis
import Foundation
import Recording

/// The report's sections as values (tables and charts), rendered by `ReportWriter` into HTML,
/// Markdown and CSV. The conclusion comes first; accuracies are percentages and memory MiB
/// everywhere a person reads them, fractions and bytes in the CSV (the HDF5 files' units).
struct ReportContent {
  struct Section {
    var title: String
    /// The anchor of the section: GitHub's heading slug, so one link works in both outputs.
    var id: String { Self.slug(title) }
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
    sections.append(Self.conclusion(report))
    if let decision = report.split?.decision { sections.append(Self.splitDecision(decision)) }
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
    if let verification = report.verification {
      sections.append(Self.verification(verification, split: report.split))
    }
    sections.append(Self.caveats(report))
  }

  /// What the run found, first: the split (or that there is no clear one) and the verdict.
  static func conclusion(_ report: RunReport) -> Section {
    var s = Section(title: "Conclusion")
    if let split = report.split, let d = split.decision {
      // The decision of split.json (issue 20): a p-value against flat and smooth profiles.
      let seeds = d.seeds.count == 1 ? "1 seed" : "\(d.seeds.count) seeds"
      let test = String(format: "p = %.3g", d.pValue) + ", \(seeds) × \(d.tasks.count) tasks, "
        + "on \(d.primaryMetric)"
      if let recommended = split.recommendedSplit {
        s.text.append("Recommended split: \(recommended) (\(test)): blocks before "
          + "\(recommended) shared, from \(recommended) on one copy per task.")
      } else {
        s.text.append("No clear split (\(test)): the best step"
          + (d.bestStep.map { " (at \($0))" } ?? "") + " cannot be told from a flat or smoothly "
          + "rising profile at the \(Int((100 * d.level).rounded()))% level.")
      }
    } else if let split = report.split {
      if let recommended = split.recommendedSplit {
        s.text.append("Recommended split: \(recommended) (confidence: \(split.confidence)): "
          + "blocks before \(recommended) shared, from \(recommended) on one copy per task.")
      } else {
        s.text.append("No clear split: the block scores show no rising step that can be told "
          + "from a flat profile (confidence: \(split.confidence)).")
      }
      if !split.evidence.isEmpty {
        s.text.append("Evidence: " + split.evidence.joined(separator: "; ") + ".")
      }
    } else {
      s.text.append("No split.json in this folder: run strata split to get a recommendation.")
    }
    if let v = report.verification {
      s.text.append("Verification: \(v.verdict.status.uppercased()). \(v.verdict.reason).")
      s.text.append(v.seeds.count == 1
        ? "One seed (\(v.seeds[0])): a small gap between candidates cannot be told from seed "
          + "noise; run strata verify with --seeds for intervals."
        : "\(v.seeds.count) seeds (\(v.seeds.map(String.init).joined(separator: ", "))); charts "
          + "show every seed and the mean with its 95% interval.")
    } else {
      s.text.append("No verify.h5 in this folder: run strata verify to test the recommendation.")
    }
    s.text.append("Tasks probed: \(report.probes.tasks.map(String.init).joined(separator: ", ")) "
      + "of tasks 0–\(report.probes.runTasks - 1) (0-based; a probe compares a task with the "
      + "one before, so it starts at task 1); probe file \(report.probes.path).")
    return s
  }

  static func blocks(_ report: RunReport) -> Section {
    var s = Section(title: "Blocks")
    let entries = report.registry?.entries ?? []
    let backbone = entries.filter { $0.kind != .head }.reduce(0) { $0 + $1.parameterCount }
    let roles = Dictionary(uniqueKeysWithValues: (report.split?.blocks ?? []).map { ($0.block, $0.role) })
    let scores = Dictionary(uniqueKeysWithValues: (report.split?.blocks ?? []).map { ($0.block, $0.score) })
    let rows = report.probes.blocks.map { name -> [Table.Cell] in
      let entry = entries.first { $0.name == name }
      let share: Table.Cell = entry.map { $0.kind == .head || backbone == 0 ? .missing
        : .percent(Double($0.parameterCount) / Double(backbone)) } ?? .missing
      return [.text(name), .integer(entry?.parameterCount), share,
              .integer(entry?.multiplyAccumulates), .number(scores[name] ?? nil, significant: 3),
              roles[name].map(Table.Cell.text) ?? .missing]
    }
    s.tables.append(("blocks", Table(columns: [
      .init("block"), .init("parameters"), .init("share of backbone (%)", name: "backbone_share"),
      .init("multiply-accumulates", name: "multiply_accumulates"), .init("score"),
      .init("role")], rows: rows)))
    s.text.append("Share of backbone: the block's parameters over the backbone's (the head is "
      + "not part of it). Score: the block's sensitivity, 0–1 over the body blocks (split.json); "
      + "the head's may leave that range.")
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
                        split: split, yIncluding: including,
                        ownScale: p.blocks.filter { $0 == "head" }).svg
    }
    let gradient = p.gradientNormNormalized.map(RunReport.epochMean)
    let shift = p.shift
    let dissimilarity = p.ckaOld.map { $0.map { 1 - $0 } }
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
        title: "Sensitivity score (normalized metrics, mean over tasks)", yLabel: "score (0–1)",
        blocks: split.blocks.map(\.block), series: [.init(name: "score", values: scores)],
        split: split.recommendedSplit, yIncluding: [0, 1],
        ownScale: split.blocks.map(\.block).filter { $0 == "head" }).svg))
    }
    s.text.append("Lines are tasks; the dashed line marks the split. The head is the classifier, "
      + "on a scale of its own at the right so that it does not flatten the body blocks.")
    var rows: [[Table.Cell]] = []
    for (i, task) in p.tasks.enumerated() {
      for (b, block) in p.blocks.enumerated() {
        rows.append([.integer(task), .text(block), .number(gradient[i][b]), .number(shift[i][b]),
                     .number(p.cosineDistance[i][b]), .number(p.statisticsShift[i][b]),
                     .number(p.ckaOld[i][b]), .number(p.ckaNew[i][b])])
      }
    }
    s.tables.append(("probes", Table(columns: [
      .init("task"), .init("block"),
      .init("grad_norm_normalized (mean over epochs)", name: "grad_norm_normalized_epoch_mean"),
      .init("param_shift"), .init("param_cosine_distance"), .init("bn_stat_shift"),
      .init("cka_old"), .init("cka_new")], rows: rows)))
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
    for (name, rows, label) in [("param_shift", p.shift, "‖Δθ‖ / ‖θ‖ (ratio)"),
                                ("one_minus_cka_old", p.ckaOld.map { $0.map { 1 - $0 } },
                                 "1 − CKA (0–1)")] {
      let series = groups.map { group in
        XYChart.Series(name: group.0, points: zip(p.tasks, rows).map {
          .init(x: Double($0), y: mean($1, group.1), label: "task \($0)")
        })
      }
      s.charts.append(("trend_\(name)", XYChart(title: "\(label) by task, block groups",
                                                xLabel: "task (0-based)", yLabel: label,
                                                series: series, integerX: true).svg))
    }
    let accuracy = XYChart(
      title: "Probe run accuracy on each task's classes", xLabel: "task trained (0-based)",
      yLabel: "accuracy (%)", series: (0..<p.runTasks).map { j in
        .init(name: "task \(j) classes", points: zip(p.tasks, p.accuracy).compactMap { t, row in
          j < row.count && !row[j].isNaN ? .init(x: Double(t), y: 100 * row[j]) : nil
        })
      }, yIncluding: [0, 100], integerX: true)
    s.charts.append(("probe_accuracy", accuracy.svg))
    return s
  }

  static func candidates(_ split: SplitReport, probes: ProbeRecord) -> Section {
    var s = Section(title: "Candidate splits")
    let rows = split.candidates.map { c -> [Table.Cell] in
      let votes = c.metricVotes.isEmpty ? "0"
        : "\(c.metricVotes.count): " + c.metricVotes.joined(separator: ", ")
      return [.text(c.split), .number(c.changePointCost, significant: 3),
              .number(c.explainedVariance, significant: 3), .number(c.contrast, significant: 3),
              Table.Cell(display: votes, data: String(c.metricVotes.count)),
              .percent(c.bootstrapFrequency), .integer(c.specializedParameters),
              .number(c.specializedExemplarEquivalents, significant: 4), .integer(c.exemplars),
              c.planRoles.isEmpty ? .missing : .text(c.planRoles.joined(separator: ", "))]
    }
    s.tables.append(("candidates", Table(columns: [
      .init("split", name: "candidate"), .init("change-point cost", name: "change_point_cost"),
      .init("variance explained", name: "explained_variance"), .init("contrast"),
      .init("metrics picking it", name: "metric_votes"),
      .init("bootstrap frequency (%)", name: "bootstrap_frequency"),
      .init("specialized parameters", name: "specialized_parameters"),
      .init("exemplars per copy", name: "specialized_exemplar_equivalents"),
      .init("exemplars at budget (ledger)", name: "exemplars"),
      .init("plan", name: "plan_role")], rows: rows)))
    s.text.append("Exemplars at budget: the memory ledger's floor((budget − model bytes) / image "
      + "bytes) at the verification budget; exemplars per copy: one specialized copy's bytes in "
      + "images.")
    let agreement = split.rankCorrelations.map { r -> [Table.Cell] in
      [.text(r.metrics.joined(separator: " ~ ")), .number(r.spearman, significant: 3)]
    }
    s.tables.append(("metric_agreement", Table(columns: [
      .init("metrics", name: "metric_pair"),
      .init("Spearman ρ over blocks", name: "metric_rank_correlation")], rows: agreement)))
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
      title: title, yLabel: "accuracy (%)", blocks: r.splits,
      series: [.init(name: "old classes", values: mean(r.oldAccuracy).map { 100 * $0 }),
               .init(name: "new classes", values: mean(r.newAccuracy).map { 100 * $0 })],
      split: split, yIncluding: [0, 100]).svg))
    s.text.append(text)
    var rows: [[Table.Cell]] = []
    for (i, task) in p.tasks.enumerated() {
      for (k, split) in r.splits.enumerated() {
        rows.append([.integer(task), .text(split), .percent(r.oldAccuracy[i][k]),
                     .percent(r.newAccuracy[i][k])])
      }
    }
    s.tables.append((name, Table(columns: [
      .init("task"), .init("split"), .init("\(name)_old_accuracy (%)", name: name + "_old_accuracy"),
      .init("\(name)_new_accuracy (%)", name: name + "_new_accuracy")], rows: rows)))
  }

  static func verification(_ v: VerificationRecord, split: SplitReport?) -> Section {
    var s = Section(title: "Verification at equal memory")
    s.text.append("Verdict: \(v.verdict.status.uppercased()). \(v.verdict.reason). "
      + "Metric: \(v.verdict.metric); tolerance \(percent(v.verdict.tolerance)) points.")
    VerificationGridContent(v).add(to: &s)
    s.charts.append(("accuracy_memory", accuracyAgainstMemory(v)))
    for (k, budget) in v.budgets.enumerated() {
      s.charts.append((k == 0 ? "accuracy_tasks" : "accuracy_tasks_\(budget)",
                       accuracyPerTask(v, budget: budget)))
    }
    var rows: [[Table.Cell]] = []
    for (i, c) in v.candidates.enumerated() {
      for budget in v.budgets {
        for seed in v.seeds {
          guard let r = v.run(c, budget: budget, seed: seed)?.summary else { continue }
          rows.append([.text(c), .text(v.roles[i]), .integer(budget), .text(String(seed)),
                       .percent(r.cnn.averageIncrementalAccuracy), .percent(r.cnn.lastAccuracy),
                       .percent(r.cnn.forgetting), .integer(r.modelBytes.last),
                       .integer(r.exemplars.last), .integer(r.totalBytes.last)])
        }
      }
    }
    s.tables.append(("verification", Table(columns: [
      .init("split", name: "candidate"), .init("role"), .init("budget bytes", name: "budget"),
      .init("seed"),
      .init("average incremental accuracy (%)", name: "average_incremental_accuracy"),
      .init("last accuracy (%)", name: "last_accuracy"), .init("forgetting (%)", name: "forgetting"),
      .init("model bytes", name: "model_bytes"), .init("exemplars"),
      .init("total bytes", name: "total_bytes")], rows: rows)))
    if let note = exemplarNote(v, split: split) { s.text.append(note) }
    return s
  }

  /// Accuracy against total memory. With one budget every candidate sits at (almost) the same
  /// memory, so a line or an x axis would only show rounding: one dot per candidate instead.
  static func accuracyAgainstMemory(_ v: VerificationRecord) -> String {
    func accuracies(_ c: String, _ budget: Int) -> [Double] {
      v.seeds.compactMap { v.run(c, budget: budget, seed: $0)?.summary.cnn.averageIncrementalAccuracy }
        .map { 100 * $0 }
    }
    let seeds = v.seeds.count == 1 ? "seed \(v.seeds[0])"
      : "\(v.seeds.count) seeds, mean ± 95% interval"
    if v.budgets.count == 1 {
      let budget = v.budgets[0]
      return DotChart(
        title: "Accuracy against total memory: one budget, \(NumberFormat.mebibytes(budget)) "
          + "(model + exemplars); \(seeds)",
        xLabel: "candidate split", yLabel: "average incremental accuracy (%)",
        categories: v.candidates.enumerated().map { i, c in
          .init(name: c, values: accuracies(c, budget), label: v.roles[i])
        }, format: { String(format: "%.2f%%", $0) }).svg
    }
    return XYChart(
      title: "Accuracy against total memory (model + exemplars); \(seeds)",
      xLabel: "total memory (MiB)", yLabel: "average incremental accuracy (%)",
      series: v.candidates.map { c in
        .init(name: c, points: v.budgets.compactMap { budget in
          let summary = SeedSummary(accuracies(c, budget))
          let bytes = v.seeds.compactMap { v.run(c, budget: budget, seed: $0)?.summary.totalBytes.last }
          guard summary.mean.isFinite, !bytes.isEmpty else { return nil }
          let mib = Double(bytes.reduce(0, +)) / Double(bytes.count) / 1_048_576
          return .init(x: mib, y: summary.mean, label: "budget \(NumberFormat.grouped(budget)) bytes",
                       interval: summary.halfWidth.map { summary.mean - $0...summary.mean + $0 })
        })
      }).svg
  }

  /// Accuracy on every class seen after each task at one budget: the seed's curve, or the mean
  /// over seeds with its 95% interval.
  static func accuracyPerTask(_ v: VerificationRecord, budget: Int) -> String {
    let seeds = v.seeds.count == 1 ? "seed \(v.seeds[0])"
      : "mean ± 95% interval over \(v.seeds.count) seeds"
    return XYChart(
      title: "Accuracy on all seen classes after each task (budget "
        + "\(NumberFormat.mebibytes(budget)), \(seeds))",
      xLabel: "task trained (0-based)", yLabel: "accuracy on all seen classes (%)",
      series: v.candidates.map { c in
        let curves = v.seeds.compactMap { v.run(c, budget: budget, seed: $0)?.summary.cnn.total }
        let tasks = curves.map(\.count).max() ?? 0
        return .init(name: c, points: (0..<tasks).compactMap { t in
          let summary = SeedSummary(curves.compactMap { t < $0.count ? 100 * $0[t] : nil })
          guard summary.mean.isFinite else { return nil }
          return .init(x: Double(t), y: summary.mean,
                       interval: summary.halfWidth.map { summary.mean - $0...summary.mean + $0 })
        })
      }, yIncluding: [], integerX: true).svg
  }

  /// Why a run's exemplar count can be below the ledger's in the candidate table.
  static func exemplarNote(_ v: VerificationRecord, split: SplitReport?) -> String? {
    guard let split else { return nil }
    let budget = split.verificationPlan.budgetBytes
    // The recommended split is the example when it differs, else the first that does.
    let ordered = split.candidates.filter { $0.split == split.recommendedSplit }
      + split.candidates.filter { $0.split != split.recommendedSplit }
    for c in ordered {
      guard let ledger = c.exemplars,
            let kept = v.seeds.compactMap({ v.run(c.split, budget: budget, seed: $0) }).first?
              .summary.exemplars.last, kept != ledger
      else { continue }
      let (there, here) = (NumberFormat.grouped(ledger), NumberFormat.grouped(kept))
      let example: String = "\(c.split): \(there) there, \(here) here"
      return "Exemplars here are what each run kept, which can be fewer than the candidate "
        + "table's exemplars at budget (" + example + "): the ledger counts floor((budget − "
        + "model bytes) / image bytes), while a run keeps the same number for every class "
        + "seen, floor(ledger count / classes seen) each, as PyCIL's memory_size does."
    }
    return nil
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
      s.text.append("Verification seeds: \(v.seeds.map(String.init).joined(separator: ", "))"
        + (v.seeds.count == 1
          ? "; with one seed the verdict cannot separate a small gap from seed noise." : "."))
    }
    return s
  }
}

extension ReportContent.Section {
  /// GitHub's heading anchor: lower case, spaces to hyphens, punctuation other than hyphens
  /// and underscores dropped.
  static func slug(_ title: String) -> String {
    String(title.lowercased().compactMap { c -> Character? in
      if c == " " { return "-" }
      return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
    })
  }
}
