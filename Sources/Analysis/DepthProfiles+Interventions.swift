import Recording

extension DepthProfiles {
  /// The interventional probes of a probe file as depth profiles over the body blocks, one per
  /// probe every seed recorded (`rewind_new_drop`, `retrain_new_gain`), oriented as the primary
  /// metric: larger means the block carries more of the new task.
  ///
  /// - `rewind_new_drop` of block b: new-class accuracy lost when b is rewound to θ(t−1) as well
  ///   as every block after it, `rewind_new_accuracy[split after b] − rewind_new_accuracy[b]`.
  /// - `retrain_new_gain` of block b: new-class accuracy gained when b trains on task t as well
  ///   as every block after it, `retrain_new_accuracy[b] − retrain_new_accuracy[split after b]`.
  ///
  /// Each value is conditional on the deeper blocks' state (rewound, or training), so a block
  /// reads about 0 once the accuracy has reached its floor or ceiling whatever it did: these
  /// profiles are evidence to agree with, not profiles whose blocks are exchangeable under "no
  /// depth effect" (docs/split-decision.md). A probe whose `split` axis is not the body blocks
  /// then `none` (a file of another network) is left out.
  public static func interventions(of records: [ProbeRecord]) -> [DepthProfiles] {
    precondition(!records.isEmpty, "interventions of no seed")
    let first = records[0]
    let body = first.blocks.last == "head" ? Array(first.blocks.dropLast()) : first.blocks
    func intervention(_ name: String, _ probe: (ProbeRecord) -> RewindRecord?,
                  _ value: (_ at: Double, _ after: Double) -> Double) -> DepthProfiles?
    {
      let recorded = records.compactMap(probe)
      guard recorded.count == records.count, body.count >= 1,
            recorded.allSatisfy({ $0.splits == body + ["none"] })
      else { return nil }
      let values = recorded.map { r in
        r.newAccuracy.map { row in body.indices.map { b in value(row[b], row[b + 1]) } }
      }
      return DepthProfiles(metric: name, blocks: body, seeds: records.map(\.seed),
                           tasks: first.tasks, values: values)
    }
    return [intervention("rewind_new_drop", { $0.rewind }) { at, after in after - at },
            intervention("retrain_new_gain", { $0.retrain }) { at, after in at - after }]
      .compactMap { $0 }
  }
}
