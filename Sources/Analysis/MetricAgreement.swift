/// Whether a diagnostic metric ranks the body blocks as the primary metric does: per seed,
/// Spearman's ρ between the two metrics' mean profiles over tasks, then the mean over seeds.
///
/// A diagnostic agrees when that mean is at least `threshold` (0.5). Why 0.5: it asks for a
/// clearly shared ordering (ρ = 0.5 over 7 blocks still allows a pair of stages to swap, but not
/// an inverted trend), it is below the one-sided 5% critical ρ for 7 body blocks (0.71), so
/// one noisy seed of a small network does not exclude an agreeing metric, and it is far from
/// the disagreement the old score averaged away (ρ = −0.96 between the size-normalized gradient
/// and 1 − CKA). A metric whose ρ is undefined (constant profile, no finite value) disagrees.
/// Agreement only says which diagnostics support the primary ranking; the decision itself is
/// computed from the primary metric, so a disagreeing metric can never move it.
public struct MetricAgreement: Sendable, Equatable {
  public static let threshold = 0.5

  public let metric: String
  /// Spearman's ρ per seed (NaN where undefined).
  public let perSeed: [Double]
  /// Mean of the defined per-seed values (NaN when none is defined).
  public let meanCorrelation: Double

  public init(primary: DepthProfiles, diagnostic: DepthProfiles) {
    precondition(primary.blocks == diagnostic.blocks && primary.seeds == diagnostic.seeds
                 && primary.tasks == diagnostic.tasks,
                 "\(diagnostic.metric) is not on the blocks, seeds and tasks of \(primary.metric)")
    metric = diagnostic.metric
    perSeed = zip(primary.seedMeans, diagnostic.seedMeans).map { a, b in
      guard let a, let b else { return .nan }
      return spearmanCorrelation(a, b)
    }
    meanCorrelation = meanIgnoringNaN(perSeed)
  }

  public var agrees: Bool { meanCorrelation >= Self.threshold }
}
