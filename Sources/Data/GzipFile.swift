import CZlib
import Foundation

/// Reads a whole file through zlib's gz* interface, which inflates gzip streams and passes other
/// files through unchanged; so every reader here accepts `train-images-idx3-ubyte.gz` and its
/// uncompressed form alike. The only Swift code that calls zlib.
enum GzipFile {
  /// The file's (decompressed) bytes. A gzip stream that stops early is reported as truncated at
  /// the decompressed offset where it stops.
  static func readAll(_ path: String) throws -> [UInt8] {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw DataError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw DataError.unreadable(file: path, reason: "not a regular file")
    }
    guard let gz = gzopen(path, "rb") else {
      throw DataError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    defer { gzclose(gz) }
    gzbuffer(gz, 1 << 20)

    // Start at the on-disk size (exact for raw files) and double for gzip streams.
    var capacity = max(Int(info.st_size) + 1, 1 << 16)
    guard var buffer = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
      throw DataError.unreadable(file: path, reason: "out of memory")
    }
    defer { free(buffer) }
    var filled = 0
    while true {
      if filled == capacity {
        capacity *= 2
        guard let grown = realloc(buffer, capacity)?.assumingMemoryBound(to: UInt8.self) else {
          throw DataError.unreadable(file: path, reason: "out of memory")
        }
        buffer = grown
      }
      // Reads of at most 1 MiB, so an error's decompressed offset is no coarser than that.
      let request = UInt32(min(capacity - filled, 1 << 20))
      let n = gzread(gz, buffer + filled, request)
      if n < 0 { throw readError(gz, path: path, offset: filled) }
      if n == 0 { break }
      filled += Int(n)
    }
    var errnum: Int32 = 0
    _ = gzerror(gz, &errnum)
    if errnum == Z_BUF_ERROR {
      throw DataError.truncated(
        file: path, offset: filled, detail: "gzip stream ends at compressed offset "
          + "\(gzoffset(gz)) before its end marker (the offset above counts decompressed bytes)")
    }
    if errnum != Z_OK { throw readError(gz, path: path, offset: filled) }
    return Array(UnsafeBufferPointer(start: buffer, count: filled))
  }

  /// The error zlib reports, at the compressed offset it had read to and the decompressed offset
  /// of the last complete read.
  private static func readError(_ gz: gzFile, path: String, offset: Int) -> DataError {
    var errnum: Int32 = 0
    var message = gzerror(gz, &errnum).map { String(cString: $0) } ?? "unknown zlib error"
    // gzerror prefixes the path, which the error names already.
    if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }
    if errnum == Z_BUF_ERROR {
      return .truncated(file: path, offset: offset, detail: "gzip stream ends early (\(message))")
    }
    return .unreadable(file: path, reason: "zlib: \(message) at compressed offset "
      + "\(gzoffset(gz)) (in the read of up to 1 MiB from decompressed offset \(offset))")
  }
}
