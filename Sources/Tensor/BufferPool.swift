import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Recycles 64-byte-aligned buffers by size.
///
/// A training step allocates the same activation sizes every iteration; taking them from a pool
/// avoids the page faults and zeroing of fresh `mmap`ed blocks. Buffers come back when their
/// tensor is released.
///
/// The pool holds at most as many bytes as were ever live at once (`peaks.outstanding`): a
/// request no kept buffer fits first returns kept buffers of other sizes to the system, the
/// largest first, until the new one fits under that mark. Without that, every batch size a run
/// meets (an epoch's short last batch, evaluation, herding) would keep a full set of activation
/// buffers of its own sizes for the rest of the process.
public final class BufferPool: Sendable {
  public static let shared = BufferPool()

  private struct State {
    // Addresses as integers: raw pointers are not Sendable, and the pool only hands them out.
    var free: [Int: [UInt]] = [:]
    var bytesOutstanding = 0
    var bytesPooled = 0
    var peakOutstanding = 0
    var peakHeld = 0

    /// Takes kept buffers out, largest first, until a new buffer of `size` bytes keeps what the
    /// pool holds within the most ever live at once (or nothing is kept); returns them to free.
    mutating func evict(toFit size: Int) -> [UInt] {
      let limit = max(peakOutstanding, bytesOutstanding + size)
      var evicted: [UInt] = []
      var sizes = free.keys.filter { !(free[$0]?.isEmpty ?? true) }.sorted(by: >)
      while bytesOutstanding + bytesPooled + size > limit, let largest = sizes.first {
        guard let address = free[largest]?.popLast() else {
          sizes.removeFirst()
          continue
        }
        bytesPooled -= largest
        evicted.append(address)
      }
      return evicted
    }

    /// Records the peaks after a change of `bytesOutstanding` or `bytesPooled`.
    mutating func notePeaks() {
      peakOutstanding = max(peakOutstanding, bytesOutstanding)
      peakHeld = max(peakHeld, bytesOutstanding + bytesPooled)
    }
  }

  private let state = Mutex(State())

  func take(_ byteCount: Int) -> UnsafeMutableRawPointer {
    let size = max(byteCount, 64)
    if let address = state.withLock({ s -> UInt? in
      guard let p = s.free[size]?.popLast() else { return nil }
      s.bytesPooled -= size
      s.bytesOutstanding += size
      s.notePeaks()
      return p
    }), let pointer = UnsafeMutableRawPointer(bitPattern: address) { return pointer }
    let evicted = state.withLock { s in s.evict(toFit: size) }
    evicted.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) }
    var pointer: UnsafeMutableRawPointer?
    let status = posix_memalign(&pointer, 64, size)
    precondition(status == 0 && pointer != nil, "out of memory allocating \(size) bytes")
    state.withLock { s in
      s.bytesOutstanding += size
      s.notePeaks()
    }
    return pointer!
  }

  func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    let address = UInt(bitPattern: pointer)
    let size = max(byteCount, 64)
    state.withLock { s in
      s.free[size, default: []].append(address)
      s.bytesPooled += size
      s.bytesOutstanding -= size
    }
  }

  /// Bytes held by live tensors, and bytes kept for reuse.
  public var usage: (outstanding: Int, pooled: Int) {
    state.withLock { ($0.bytesOutstanding, $0.bytesPooled) }
  }

  /// The high-water marks since the process started: the most bytes live tensors held at once,
  /// and the most the pool held from the system at once (live + kept for reuse), which is what
  /// the pool adds to the resident set.
  public var peaks: (outstanding: Int, held: Int) {
    state.withLock { ($0.peakOutstanding, $0.peakHeld) }
  }

  /// Returns every pooled buffer to the system (after a phase with other shapes, e.g. probes).
  public func trim() {
    let buffers = state.withLock { s -> [UInt] in
      let all = s.free.values.flatMap { $0 }
      s.free = [:]
      s.bytesPooled = 0
      return all
    }
    buffers.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) }
  }
}
