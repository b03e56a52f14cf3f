import Foundation
import Data
import Testing

/// Class order against numpy itself: `np.random.seed(s); np.random.permutation(C)`.
@Suite struct ClassOrderTests {
  static let numpyPermutation = """
    import sys, numpy as np
    np.random.seed(int(sys.argv[1]))
    print(' '.join(map(str, np.random.permutation(int(sys.argv[2])))))
    """

  @Test func cifar100Seed1993StartsAsPyCIL() {
    let order = ClassOrder(classCount: 100, seed: 1993)
    #expect(Array(order.order.prefix(8)) == [68, 56, 78, 8, 23, 84, 90, 65])
  }

  @Test(arguments: [
    (1993, 100), (1993, 10), (0, 100), (1, 7), (42, 1000), (2_147_483_647, 100),
    (4_294_967_295, 50), (7, 2), (123_456, 1),
  ])
  func matchesNumpy(seed: Int, classes: Int) throws {
    let expected = try Python.integers(Self.numpyPermutation, [String(seed), String(classes)])
    let order = ClassOrder(classCount: classes, seed: UInt32(seed))
    #expect(order.order == expected)
  }

  @Test func identityWithoutShuffle() {
    let order = ClassOrder(classCount: 5, seed: 1993, shuffle: false)
    #expect(order.order == [0, 1, 2, 3, 4])
    #expect(order.remap([4, 0, 2]) == [4, 0, 2])
  }

  @Test func labelsRemapToPositions() {
    // PyCIL's _map_new_class_index: label → order.index(label).
    let order = ClassOrder(classCount: 100, seed: 1993)
    #expect(order.remap([68, 56, 78, 8]) == [0, 1, 2, 3])
    for (position, label) in order.order.enumerated() {
      #expect(order.position(of: Int32(label)) == Int32(position))
    }
    let custom = ClassOrder(order: [2, 0, 1])
    #expect(custom.remap([0, 1, 2]) == [1, 2, 0])
  }
}

/// The generator underneath, against numpy's legacy RandomState.
@Suite struct NumpyLegacyRandomTests {
  @Test func boundedDrawsMatchNumpyRandint() throws {
    // Legacy randint(0, m + 1) is the same masked rejection as `random_interval(m)`, 32-bit
    // draws below 2^32 and 64-bit above.
    let maxima: [UInt64] = [1, 2, 3, 9, 99, 1000, 65_535, 4_294_967_295, 1 << 40, 12_345_678_901]
    let expected = try Python.integers("""
      import sys, numpy as np
      rs = np.random.RandomState(int(sys.argv[1]))
      print(' '.join(str(rs.randint(0, int(m) + 1, dtype=np.uint64)) for m in sys.argv[2:]))
      """, ["2024"] + maxima.map(String.init))
    var random = NumpyLegacyRandom(seed: 2024)
    #expect(maxima.map { Int(random.interval($0)) } == expected)
  }

  @Test func randomSampleMatchesNumpy() throws {
    let text = try Python.run("""
      import numpy as np
      np.random.seed(5)
      print(' '.join(repr(float(x)) for x in np.random.random_sample(6)))
      """)
    let expected = text.split(separator: " ").compactMap {
      Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    var random = NumpyLegacyRandom(seed: 5)
    #expect(expected.count == 6)
    #expect((0..<6).map { _ in random.randomSample() } == expected)
  }

  @Test func mt19937ReferenceOutput() {
    // First output of init_genrand(5489), the reference implementation's default seed.
    var mt = MT19937(seed: 5489)
    #expect(mt.next() == 3_499_211_612)
  }
}
