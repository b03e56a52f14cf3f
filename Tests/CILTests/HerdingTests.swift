import CIL
import Common
import Data
import Testing

/// Herding against a brute-force reference: at every step every remaining candidate's mean
/// (chosen ∪ {candidate}) is computed from scratch in Float64, and the closest to the class mean
/// wins, the lowest index on a tie.
@Suite struct HerdingTests {
  static func reference(_ features: [[Float]], count: Int) -> [Int] {
    let unit = features.map { v -> [Double] in
      let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
      return v.map { Double($0) / (norm + 1e-8) }
    }
    let width = unit[0].count
    let mu = (0..<width).map { d in unit.reduce(0) { $0 + $1[d] } / Double(unit.count) }
    var chosen: [Int] = []
    while chosen.count < min(count, unit.count) {
      var best: (index: Int, distance: Double)?
      for i in unit.indices where !chosen.contains(i) {
        let members = chosen + [i]
        let mean = (0..<width).map { d in members.reduce(0) { $0 + unit[$1][d] } / Double(members.count) }
        let distance = zip(mu, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        if best == nil || distance < best!.distance - 1e-12 { best = (i, distance) }
      }
      chosen.append(best!.index)
    }
    return chosen
  }

  static func randomFeatures(rows: Int, width: Int, seed: UInt64) -> [[Float]] {
    var rng = SplitMix64(seed: seed)
    return (0..<rows).map { _ in (0..<width).map { _ in Float(rng.nextUniform(-1, 1)) } }
  }

  @Test(arguments: [1, 2, 3])
  func equalsBruteForce(seed: UInt64) {
    let features = Self.randomFeatures(rows: 9, width: 4, seed: seed)
    for count in [0, 1, 3, 9, 12] {
      #expect(Herding.select(features, count: count) == Self.reference(features, count: count),
              "count \(count)")
    }
  }

  /// Directions 0°, 90° and 45° (the last one longer: herding normalizes): the mean points at
  /// 45°, so that one comes first; then 0° and 90° tie exactly, and the earlier one wins.
  @Test func picksTheSampleNearestTheMeanFirstAndBreaksTiesByIndex() {
    let features: [[Float]] = [[1, 0], [0, 1], [3, 3]]
    #expect(Herding.select(features, count: 3) == [2, 0, 1])
    #expect(Herding.select(features, count: 1) == [2])
  }

  /// A smaller quota's selection is a prefix of a larger one's (what reducing relies on).
  @Test func selectionsArePrefixes() {
    let features = Self.randomFeatures(rows: 10, width: 3, seed: 9)
    let all = Herding.select(features, count: 10)
    #expect(Set(all) == Set(0..<10))
    for m in 0...10 { #expect(Herding.select(features, count: m) == Array(all.prefix(m))) }
  }

  @Test func classMeanIsTheNormalizedMeanOfUnitFeatures() {
    let mean = Herding.classMean([[2, 0], [0, 5]])
    #expect(abs(mean[0] - Float(0.5.squareRoot())) < 1e-6)
    #expect(abs(mean[1] - Float(0.5.squareRoot())) < 1e-6)
  }
}
