import Foundation

/// A pickle reader that interprets data and never runs code: the CIFAR "python version" files
/// are Python 2 cPickle protocol-2 dicts whose pixel array is a numpy array rebuilt by
/// `numpy.core.multiarray._reconstruct`, and Python 3 writers of the same structure use protocols
/// 2 to 5 (pickletools documents every opcode).
///
/// Safety. Unpickling in Python calls whatever global the stream names. This reader resolves a
/// GLOBAL / STACK_GLOBAL only against a fixed allowlist and *interprets* each allowed callable in
/// Swift; anything else is refused at the opcode that names it (`DataError.forbiddenGlobal`), and
/// opcodes that construct arbitrary objects or consult registries (INST, OBJ, NEWOBJ, NEWOBJ_EX,
/// EXT1/2/4, PERSID, BINPERSID) are refused outright. The allowlist, and why each entry is safe:
/// - `numpy.core.multiarray._reconstruct` (numpy 1) and `numpy._core.multiarray._reconstruct`
///   (numpy 2), with `numpy.ndarray` as its first argument: creates an empty array that the
///   following BUILD fills from a (version, shape, dtype, fortran, bytes) tuple. Interpreted as
///   "a numpy array of this shape, dtype and raw bytes".
/// - `numpy.dtype`: `dtype(typestr, align, copy)` then BUILD with the byte order; only boolean,
///   integer and float dtypes are accepted.
/// - `numpy.core.numeric._frombuffer` / `numpy._core.numeric._frombuffer`: protocol 5's form of
///   the same array (buffer, dtype, shape, order).
/// - `_codecs.encode(text, "latin1")`: how Python 3 writes `bytes` at protocol 2 (there is no
///   bytes opcode before protocol 3). Interpreted as the Latin-1 conversion of code points ≤ 255
///   to bytes; any other encoding is refused.
/// - `__builtin__.bytes` / `builtins.bytes` with no arguments: Python 3's protocol-2 form of an
///   empty `bytes` object.
public enum PickleReader {
  /// Reads and interprets the pickle in `url` (gzipped or raw).
  public static func load(_ url: URL) throws -> PickleValue {
    let bytes = try GzipFile.readAll(url.path, limit: maximumBytes + 1)
    if bytes.count > maximumBytes {
      throw DataError.countMismatch(file: url.path, offset: maximumBytes,
        detail: "a pickle of more than \(maximumBytes) bytes; the largest CIFAR file (CIFAR-100's "
          + "train: 153.6 MB of pixels) is well below that; read no further")
    }
    return try load(bytes: bytes, file: url.path)
  }

  /// The largest pickle read from a file (256 MiB): the bound on a gzip bomb's inflation.
  public static let maximumBytes = 1 << 28

  /// Interprets pickle bytes; `file` names them in errors.
  public static func load(bytes: [UInt8], file: String) throws -> PickleValue {
    var machine = PickleMachine(bytes: bytes, file: file)
    defer { machine.release() }
    let node = try machine.run()
    var frozen = PickleMachine.Frozen()
    return try machine.freeze(node, &frozen).value
  }
}
