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
    /// (file stem, table) written as CSV only: tidy per-seed values too long to read on a page.
    var dataTables: [(String, Table)] = []
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
    sections.append(Self.heatmaps(report))
    sections.append(Self.trends(report))
    if let split = report.split {
      sections.append(Self.candidates(split, report: report))
    } else if p.rewind != nil || p.retrain != nil {
      let title = switch (p.rewind != nil, p.retrain != nil) {
      case (true, true): "Rewind and retrain probes"
      case (true, false): "Rewind probe"
      default: "Retrain probe"
      }
      var probes = Section(title: title)
      Self.splitProbes(report, split: nil, into: &probes)
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
      s.text.append("Verification: \(v.verdict.status.uppercased()). "
        + "\(Section.sentenceCase(v.verdict.reason)).")
      // The answer per budget, when the grid has its statistics: the same sentences as the
      // verification section, so the conclusion never rests on one budget alone.
      if let stats = v.statistics, v.budgets.count > 1 {
        for (b, sentence) in stats.verdicts.enumerated() {
          s.text.append("At \(NumberFormat.grouped(v.budgets[b])) bytes: \(sentence)")
        }
      }
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
    let seeds = ProbeSeeds(report.seeds)
    // 1 − CKA on old-class images (the primary metric), per seed the mean over tasks, then
    // over seeds with its interval.
    let primary = seeds.summary { record in
      record.blocks.indices.map { b in ProbeSeeds.mean(record.ckaOld.map { 1 - $0[b] }) }
    }
    let rows = report.probes.blocks.enumerated().map { b, name -> [Table.Cell] in
      let entry = entries.first { $0.name == name }
      let share: Table.Cell = entry.map { $0.kind == .head || backbone == 0 ? .missing
        : .percent(Double($0.parameterCount) / Double(backbone)) } ?? .missing
      return [.text(name), .integer(entry?.parameterCount), share,
              .integer(entry?.multiplyAccumulates), .number(scores[name] ?? nil, significant: 3),
              roles[name].map(Table.Cell.text) ?? .missing, ProbeSeeds.cell(primary[b])]
    }
    s.tables.append(("blocks", Table(columns: [
      .init("block"), .init("parameters"), .init("share of backbone (%)", name: "backbone_share"),
      .init("multiply-accumulates", name: "multiply_accumulates"), .init("score"),
      .init("role"),
      .init(seeds.isOne ? "1 − CKA old (mean over tasks)" : "1 − CKA old (mean ± 95%, seeds)",
            name: "one_minus_cka_old_mean")], rows: rows)))
    // A split.json with a decision keeps the min–max score for comparison only.
    let legacy = report.split?.decision != nil
    s.text.append("Share of backbone: the block's parameters over the backbone's (the head is "
      + "not part of it). Score: " + (legacy ? "the legacy min–max sensitivity of split.json"
        : "the block's sensitivity (split.json)") + ", 0–1 over the body blocks (the head's may "
      + "leave that range), computed on the first seed (\(seeds.seeds[0])) only"
      + (legacy ? "; it decides nothing" : "") + ". 1 − CKA old: the primary metric, per seed "
      + "the mean over tasks, then "
      + (seeds.isOne ? "the value of the single seed (\(seeds.seeds[0])), no interval."
        : "the mean over \(seeds.records.count) seeds ± the half-width of its 95% t interval."))
    return s
  }

  static func candidates(_ split: SplitReport, report: RunReport) -> Section {
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
    if split.decision != nil {
      // These columns and the pairwise table come from the legacy score (SplitDerivation).
      s.text.append("Change-point cost, variance explained, contrast, metrics picking it, "
        + "bootstrap frequency and the Spearman table below are the legacy min–max score's, "
        + "computed on the first seed (\(report.seeds[0].seed)) only; they decide nothing (the "
        + "split decision above does).")
    }
    let agreement = split.rankCorrelations.map { r -> [Table.Cell] in
      [.text(r.metrics.joined(separator: " ~ ")), .number(r.spearman, significant: 3)]
    }
    s.tables.append(("metric_agreement", Table(columns: [
      .init("metrics", name: "metric_pair"),
      .init("Spearman ρ over blocks", name: "metric_rank_correlation")], rows: agreement)))
    splitProbes(report, split: split.recommendedSplit, into: &s)
    return s
  }

  static func verification(_ v: VerificationRecord, split: SplitReport?) -> Section {
    var s = Section(title: "Verification at equal memory")
    s.text.append("Verdict: \(v.verdict.status.uppercased()). \(Section.sentenceCase(v.verdict.reason)). "
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
    // The caveats of the legacy min-max score (its own change point) only for older split
    // files without a decision: beside a decision they would comment on a split not made.
    if report.split?.decision == nil {
      s.text += (report.split?.caveats ?? []).map(Section.sentence)
    }
    s.text += (report.split?.notes ?? []).map(Section.sentence)
    let p = report.probes.provenance
    let seeds = report.seeds.map { String($0.seed) }
    s.text.append((seeds.count == 1 ? "Probe run seed \(seeds[0])"
        : "Probe run seeds \(seeds.joined(separator: ", ")) (the provenance is the first's)")
      + ", \(p.threads) thread(s); Strata \(p.strataVersion) "
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

  /// "the split …" → "The split …", for a reason that starts a sentence.
  static func sentenceCase(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
  }

  /// A note as a paragraph: sentence-cased, ending with a full stop.
  static func sentence(_ text: String) -> String {
    let cased = sentenceCase(text)
    return [".", "!", "?"].contains(where: cased.hasSuffix) ? cased : cased + "."
  }
}
