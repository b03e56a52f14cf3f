/// The Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), 32-bit output, seeded with the
/// reference `init_genrand`: the generator behind numpy's legacy `RandomState`, so that
/// `np.random.seed(s)` followed by draws can be reproduced bit for bit
/// (numpy/random/src/mt19937/mt19937.c, `mt19937_seed` and `mt19937_gen`).
public struct MT19937: Sendable, Equatable {
  private static let n = 624
  private static let m = 397
  private static let matrixA: UInt32 = 0x9908_B0DF
  private static let upperMask: UInt32 = 0x8000_0000
  private static let lowerMask: UInt32 = 0x7FFF_FFFF

  private var key: [UInt32]
  private var position: Int

  /// `init_genrand(seed)`.
  public init(seed: UInt32) {
    var key = [UInt32](repeating: 0, count: Self.n)
    var s = seed
    for i in 0..<Self.n {
      key[i] = s
      s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
    }
    self.key = key
    position = Self.n
  }

  /// The next 32-bit output (`genrand_int32`).
  public mutating func next() -> UInt32 {
    if position >= Self.n { regenerate() }
    var y = key[position]
    position += 1
    // Tempering.
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// Two outputs as one 64-bit value, high word first (numpy's `mt19937_next64`).
  public mutating func next64() -> UInt64 {
    let high = UInt64(next())
    return high << 32 | UInt64(next())
  }

  private mutating func regenerate() {
    let n = Self.n, m = Self.m
    for i in 0..<n {
      let y = (key[i] & Self.upperMask) | (key[(i + 1) % n] & Self.lowerMask)
      key[i] = key[(i + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : Self.matrixA)
    }
    position = 0
  }
}
