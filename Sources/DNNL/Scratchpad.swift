import Foundation

/// One growing scratch buffer per thread for oneDNN primitives (user scratchpad mode): the
/// primitives a thread runs run one after another, so they can share it, and threads never
/// share one. It grows to the largest scratchpad the thread has needed and lives as long as
/// the thread.
final class Scratchpad {
  private var buffer: UnsafeMutableRawPointer?
  private var capacity = 0

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
      guard let pointer else { return }
      Unmanaged<Scratchpad>.fromOpaque(pointer).release()
    }
    return key
  }()

  /// At least `bytes` of 64-byte-aligned scratch memory owned by the calling thread.
  static func forThisThread(bytes: Int) -> UnsafeMutableRawPointer {
    let pad: Scratchpad
    if let existing = pthread_getspecific(key) {
      pad = Unmanaged<Scratchpad>.fromOpaque(existing).takeUnretainedValue()
    } else {
      pad = Scratchpad()
      pthread_setspecific(key, Unmanaged.passRetained(pad).toOpaque())
    }
    if pad.capacity < bytes {
      pad.buffer?.deallocate()
      pad.buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      pad.capacity = bytes
    }
    return pad.buffer!
  }

  deinit { buffer?.deallocate() }
}
