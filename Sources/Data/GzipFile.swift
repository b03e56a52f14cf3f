import CZlib
import Foundation

/// Reads a whole file through zlib's gz* interface, which inflates gzip streams and passes other
/// files through unchanged; so every reader here accepts `train-images-idx3-ubyte.gz` and its
/// uncompressed form alike. The only Swift code that calls zlib.
enum GzipFile {
  /// The file's (decompressed) bytes, at most `limit` of them: a reader passes what the header
  /// declares plus one byte (to see trailing data), so a gzip bomb is never inflated past that
  /// (issue 24). A gzip stream that stops early is reported as truncated at the decompressed
  /// offset where it stops.
  static func readAll(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
    precondition(limit >= 0, "a negative read limit")
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
    var capacity = min(max(Int(info.st_size) + 1, 1 << 16), max(limit, 1))
    guard var buffer = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
      throw DataError.unreadable(file: path, reason: "out of memory")
    }
    defer { free(buffer) }
    var filled = 0
    while filled < limit {
      if filled == capacity {
        capacity = min(capacity * 2, limit)
        guard let grown = realloc(buffer, capacity)?.assumingMemoryBound(to: UInt8.self) else {
          throw DataError.unreadable(file: path, reason: "out of memory")
        }
        buffer = grown
      }
      // Reads of at most 1 MiB, so an error's decompressed offset is no coarser than that.
      let request = UInt32(min(capacity - filled, limit - filled, 1 << 20))
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

  /// How many bytes follow `end`, for an error: known for a file that is not gzip-compressed
  /// (its size is on disk), nil for a gzip stream, which is never inflated past one byte beyond
  /// what its header declares.
  static func bytesAfter(_ end: Int, in path: String) -> Int? {
    var magic: [UInt8] = [0, 0]
    var info = stat()
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    guard fread(&magic, 1, 2, file) == 2, magic != [0x1F, 0x8B], fstat(fileno(file), &info) == 0
    else { return nil }
    return Int(info.st_size) - end
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
