import CIL
import Testing

/// Reduce-then-construct with the per-class quota, on features given by hand.
@Suite struct ExemplarMemoryTests {
  /// Class c's samples are indices 10c…10c+9; sample i's feature is a fixed pseudo-random vector.
  static func features(_ indices: [Int]) -> [[Float]] {
    indices.map { i in (0..<3).map { d in Float(((i * 7 + d * 13) % 11)) - 5 } }
  }
  static func candidates(_ c: Int) -> [Int] { Array((10 * c)..<(10 * c + 10)) }

  @Test func quotas() {
    #expect(MemoryPolicy.total(2000).quota(seenClasses: 30) == 66)
    #expect(MemoryPolicy.total(2000).quota(seenClasses: 10) == 200)
    #expect(MemoryPolicy.perClass(20).quota(seenClasses: 90) == 20)
    #expect(MemoryPolicy.none.quota(seenClasses: 5) == 0)
  }

  @Test func reducesOldClassesToAPrefixAndHerdsNewOnes() throws {
    var memory = ExemplarMemory()
    let total = MemoryPolicy.total(12)
    memory.build(quota: total.quota(seenClasses: 2), newClasses: 0..<2,
                 candidates: Self.candidates, features: Self.features)
    #expect(memory.count == 12)
    let first = memory.exemplars
    #expect(first[0] == Herding.select(Self.features(Self.candidates(0)), count: 6).map { $0 })
    memory.build(quota: total.quota(seenClasses: 4), newClasses: 2..<4,
                 candidates: Self.candidates, features: Self.features)
    #expect(memory.count == 12)
    for c in 0..<2 { #expect(memory.exemplars[c] == Array(first[c]!.prefix(3))) }
    #expect(memory.exemplars[3] == Herding.select(Self.features(Self.candidates(3)), count: 3)
      .map { 30 + $0 })
    #expect(memory.classMeans.count == 4)
    #expect(memory.classMeans[0] == Herding.classMean(Self.features(memory.exemplars[0]!)))
    #expect(memory.allIndices.count == 12 && memory.allIndices.prefix(3) == first[0]!.prefix(3))
  }

  @Test func fixedMemoryKeepsEveryOldExemplar() {
    var memory = ExemplarMemory()
    let fixed = MemoryPolicy.perClass(4)
    memory.build(quota: fixed.quota(seenClasses: 2), newClasses: 0..<2,
                 candidates: Self.candidates, features: Self.features)
    let first = memory.exemplars
    memory.build(quota: fixed.quota(seenClasses: 4), newClasses: 2..<4,
                 candidates: Self.candidates, features: Self.features)
    #expect(memory.count == 16)
    #expect(memory.exemplars[0] == first[0] && memory.exemplars[1] == first[1])
  }
}
