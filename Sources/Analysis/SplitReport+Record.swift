import Recording

extension SplitReport {
  /// The HDF5 form (`SplitSchema`): the report's tables plus the per-task values of
  /// `derivation`, with `provenance` (this analysis: command line, versions) at the root.
  public func record(_ derivation: SplitDerivation, provenance: Provenance) -> SplitRecord {
    let real = { (values: [Double?]) in SplitRecord.Values.real(values.map { $0 ?? .nan }) }
    let integer = { (values: [Int]) in SplitRecord.Values.integer(values.map(Int64.init)) }
    let metricNames = method.metrics
    let pairs = rankCorrelations.map { $0.metrics.joined(separator: " ~ ") }
    let values: [String: SplitRecord.Values] = [
      "raw_value": real(metricNames.indices.flatMap { m in blocks.map { $0.metrics[m].raw } }),
      "normalized_value": .real(derivation.normalized.flatMap { $0.flatMap { $0 } }),
      "metric_score": .real(derivation.metricScores.flatMap { $0 }),
      "task_score": .real(derivation.taskScores.flatMap { $0 }),
      "score": .real(derivation.scores),
      "role": .text(blocks.map(\.role)),
      "change_point_cost": real(candidates.map(\.changePointCost)),
      "explained_variance": real(candidates.map(\.explainedVariance)),
      "contrast": real(candidates.map(\.contrast)),
      "metric_votes": integer(candidates.map(\.metricVotes.count)),
      "bootstrap_frequency": .real(candidates.map(\.bootstrapFrequency)),
      "shared_parameters": integer(candidates.map(\.sharedParameters)),
      "specialized_parameters": integer(candidates.map(\.specializedParameters)),
      "model_parameters": integer(candidates.map(\.modelParameters)),
      "model_bytes": integer(candidates.map(\.modelBytes)),
      "specialized_exemplar_equivalents": .real(candidates.map(\.specializedExemplarEquivalents)),
      "exemplars": integer(candidates.map { $0.exemplars ?? -1 }),
      "plan_role": .text(candidates.map { $0.planRoles.joined(separator: "+") }),
      "metric_split": .text(metricSplits.map { $0.split ?? "" }),
      "metric_rank_correlation": real(rankCorrelations.map(\.spearman)),
    ]
    let attributes: [String: SplitRecord.Attribute] = [
      "recommended_split": .text(recommendedSplit ?? ""),
      "confidence": .text(confidence),
      "evidence": .text(evidence.joined(separator: "\n")),
      "caveats": .text(caveats.joined(separator: "\n")),
      "notes": .text(notes.joined(separator: "\n")),
      "interval_first": .text(uncertainty.interval?.first ?? ""),
      "interval_last": .text(uncertainty.interval?.last ?? ""),
      "interval_level": .real(uncertainty.level),
      "no_split_frequency": .real(uncertainty.noSplitFrequency),
      "bootstrap_unit": .text(uncertainty.unit),
      "bootstrap_note": .text(uncertainty.note),
      "bootstrap_samples": .integer(Int64(uncertainty.samples)),
      "bootstrap_seed": .integer(Int64(bitPattern: uncertainty.seed)),
      "cka_probe_set": .text(method.ckaProbeSet),
      "normalization": .text(method.normalization),
      "aggregation": .text(method.aggregation),
      "change_point": .text(method.changePoint),
      "tie_break": .text(method.tieBreak),
      "confidence_rule": .text(method.confidenceRule),
      "architecture": .text(architecture),
      "probe_file": .text(probeFile),
      "probe_command_line": .text(probeProvenance.commandLine),
      "probe_git_commit": .text(probeProvenance.gitCommit),
      "run_tasks": .integer(Int64(verificationPlan.tasks)),
      "budget": .text(verificationPlan.budget),
      "budget_bytes": .integer(Int64(verificationPlan.budgetBytes)),
      "image_bytes": .integer(Int64(verificationPlan.imageBytes)),
    ]
    return SplitRecord(blocks: blocks.map(\.block), candidates: candidates.map(\.split),
                       metrics: metricNames, tasks: tasks, metricPairs: pairs, values: values,
                       attributes: attributes, provenance: provenance)
  }
}
