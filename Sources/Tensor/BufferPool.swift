import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Recycles 64-byte-aligned buffers by size.
///
/// A training step allocates the same activation sizes every iteration; taking them from a pool
/// avoids the page faults and zeroing of fresh `mmap`ed blocks. Buffers come back when their
/// tensor is released. The pool keeps what it has been given back until `trim()`.
public final class BufferPool: Sendable {
  public static let shared = BufferPool()

  private struct State {
    // Addresses as integers: raw pointers are not Sendable, and the pool only hands them out.
    var free: [Int: [UInt]] = [:]
    var bytesOutstanding = 0
    var bytesPooled = 0
  }

  private let state = Mutex(State())

  func take(_ byteCount: Int) -> UnsafeMutableRawPointer {
    let size = max(byteCount, 64)
    if let address = state.withLock({ s -> UInt? in
      guard let p = s.free[size]?.popLast() else { return nil }
      s.bytesPooled -= size
      s.bytesOutstanding += size
      return p
    }), let pointer = UnsafeMutableRawPointer(bitPattern: address) { return pointer }
    var pointer: UnsafeMutableRawPointer?
    let status = posix_memalign(&pointer, 64, size)
    precondition(status == 0 && pointer != nil, "out of memory allocating \(size) bytes")
    state.withLock { $0.bytesOutstanding += size }
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
