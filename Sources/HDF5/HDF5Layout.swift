/// How a new dataset is stored.
public enum HDF5Layout: Sendable, Equatable {
  /// One block, fixed shape.
  case contiguous
  /// Chunks of `chunk` elements, each deflate-compressed at `deflate` (0…9). When `extendable`,
  /// the first axis is unlimited, so `HDF5Dataset.append(_:)` can add rows (a new task).
  case chunked(chunk: [Int], deflate: Int = 4, extendable: Bool = false)
}
