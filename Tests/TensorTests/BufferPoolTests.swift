import Testing
@testable import Tensor

@Suite struct BufferPoolTests {
  /// A second set of sizes (a short last batch) must not make the pool hold two full sets: it
  /// holds at most what was live at once.
  @Test func holdsNoMoreThanWasEverLiveAtOnce() {
    let pool = BufferPool()
    let full = [6 << 20, 3 << 20, 1 << 20]
    let taken = full.map { (pool.take($0), $0) }
    for (pointer, size) in taken { pool.give(pointer, byteCount: size) }
    let live = full.reduce(0, +)
    #expect(pool.peaks.outstanding == live)
    #expect(pool.usage.pooled == live)

    // The short batch: other sizes, each a quarter.
    let short = full.map { $0 / 4 }
    let shortTaken = short.map { (pool.take($0), $0) }
    #expect(pool.usage.outstanding + pool.usage.pooled <= live)
    for (pointer, size) in shortTaken { pool.give(pointer, byteCount: size) }

    // The full batch again: as much as ever, never more.
    let again = full.map { (pool.take($0), $0) }
    #expect(pool.usage.outstanding == live)
    #expect(pool.usage.outstanding + pool.usage.pooled <= live)
    #expect(pool.peaks.held == live)
    for (pointer, size) in again { pool.give(pointer, byteCount: size) }
    pool.trim()
    #expect(pool.usage.pooled == 0)
  }

  /// The same sizes again are served from the pool, so steady training allocates nothing new.
  @Test func reusesBuffersOfTheSameSize() {
    let pool = BufferPool()
    let first = pool.take(1 << 20)
    pool.give(first, byteCount: 1 << 20)
    let second = pool.take(1 << 20)
    #expect(second == first)
    #expect(pool.usage.pooled == 0 && pool.usage.outstanding == 1 << 20)
    pool.give(second, byteCount: 1 << 20)
    pool.trim()
  }
}
