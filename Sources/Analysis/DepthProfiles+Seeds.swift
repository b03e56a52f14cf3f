import Recording

extension DepthProfiles {
  /// The depth profiles over every seed of a probe file (`ProbeFile.readSeeds()`, one record per
  /// seed, the same tasks and blocks): the primary metric 1 − CKA on old-class images and the
  /// diagnostics, the corrected ones included (`grad_norm_relative`, `filter_angle_shift`,
  /// `bn_affine_shift`). A diagnostic without one finite profile (a file recorded before it
  /// existed) is left out.
  ///
  /// - Precondition: `records` is not empty and its records share blocks and tasks.
  public static func profiles(of records: [ProbeRecord])
    -> (primary: DepthProfiles, diagnostics: [DepthProfiles])
  {
    precondition(!records.isEmpty, "profiles of no seed")
    precondition(records.allSatisfy { $0.blocks == records[0].blocks && $0.tasks == records[0].tasks },
                 "seeds of one probe file share blocks and tasks")
    let perSeed = records.map { record -> [DepthProfiles] in
      let (primary, diagnostics) = profiles(of: record, seed: record.seed)
      let body = primary.blocks.count
      func profile(_ name: String, _ values: [[Double]]) -> DepthProfiles {
        DepthProfiles(metric: name, blocks: primary.blocks, seeds: [record.seed],
                      tasks: record.tasks, values: [values.map { Array($0.prefix(body)) }])
      }
      let relative = record.gradientNormRelative.map { epochs in
        record.blocks.indices.map { b in meanIgnoringNaN(epochs.map { $0[b] }) }
      }
      return [primary] + diagnostics
        + [profile("grad_norm_relative", relative),
           profile("filter_angle_shift", record.filterAngleShift),
           profile("bn_affine_shift", record.affineShift)]
    }
    let merged = perSeed[0].indices.map { m in
      DepthProfiles(metric: perSeed[0][m].metric, blocks: perSeed[0][m].blocks,
                    seeds: records.map(\.seed), tasks: records[0].tasks,
                    values: perSeed.map { $0[m].values[0] })
    }
    return (merged[0], merged.dropFirst().filter { !$0.finiteProfiles.isEmpty })
  }
}
