import Recording

extension DepthProfiles {
  /// The depth profiles of a one-seed probe file as recorded today (before the `seed` axis):
  /// the primary metric 1 − CKA on old-class images, then the diagnostics the file holds
  /// (gradient norms averaged over each task's epochs, relative shift, BN statistics shift,
  /// cosine distance), all over the body blocks. Non-finite values stay as they are; the
  /// decision leaves their profiles out with a note.
  public static func profiles(of record: ProbeRecord, seed: Int)
    -> (primary: DepthProfiles, diagnostics: [DepthProfiles])
  {
    let body = record.blocks.last == "head" ? record.blocks.count - 1 : record.blocks.count
    let blocks = Array(record.blocks.prefix(body))
    func profile(_ name: String, _ values: [[Double]]) -> DepthProfiles {
      DepthProfiles(metric: name, blocks: blocks, seeds: [seed], tasks: record.tasks,
                    values: [values.map { Array($0.prefix(body)) }])
    }
    func epochMean(_ values: [[[Double]]]) -> [[Double]] {
      values.map { epochs in
        record.blocks.indices.map { b in meanIgnoringNaN(epochs.map { $0[b] }) }
      }
    }
    return (profile("1-cka_old", record.ckaOld.map { $0.map { 1 - $0 } }),
            [profile("grad_norm", epochMean(record.gradientNorm)),
             profile("grad_norm_normalized", epochMean(record.gradientNormNormalized)),
             profile("param_shift", record.shift),
             profile("bn_stat_shift", record.statisticsShift),
             profile("param_cosine_distance", record.cosineDistance)])
  }
}
