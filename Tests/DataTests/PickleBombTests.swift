import Data
import Foundation
import StrataTestSupport
import Testing

/// A pickle whose lists share sub-lists through the memo (issue 24, case 1): a memo reference
/// must not copy the memoized object, and a value that shared references make larger than the
/// file is refused with an error naming the file, at once and in little memory.
@Suite struct PickleBombTests {
  /// L0 = [], L_i = [L_{i-1}, L_{i-1}] through BINPUT/BINGET, 40 levels: a 2^40-node tree in
  /// a few hundred bytes. Protocol 2; `keys` map to L40 in a top-level dict.
  static func bomb(keys: [String], levels: Int = 40) -> [UInt8] {
    var bytes: [UInt8] = [0x80, 0x02, 0x7D, 0x28]  // PROTO 2, EMPTY_DICT, MARK
    func key(_ name: String) { bytes += [0x8C, UInt8(name.utf8.count)] + Array(name.utf8) }
    key(keys[0])
    bytes += [0x5D, 0x71, 0x00]  // L0 = [], memo 0
    for level in 1...levels {
      let previous = UInt8(level - 1)
      // POP the previous level, EMPTY_LIST, BINPUT, MARK, BINGET ×2, APPENDS.
      bytes += [0x30, 0x5D, 0x71, UInt8(level), 0x28, 0x68, previous, 0x68, previous, 0x65]
    }
    for name in keys.dropFirst() {
      key(name)
      bytes += [0x68, UInt8(levels)]
    }
    bytes += [0x75, 0x2E]  // SETITEMS, STOP
    return bytes
  }

  /// Debian's Python loads the file as a valid pickle and sees 40 levels (the oracle).
  static func pythonDepth(_ path: String, key: String) throws -> String {
    let result = try ChildProcess.run("/usr/bin/python3", ["-c", """
      import pickle, sys
      d = pickle.load(open(sys.argv[1], 'rb'))
      x, depth = d[sys.argv[2]], 0
      while isinstance(x, list) and x:
          assert x[0] is x[1]
          x, depth = x[0], depth + 1
      print(depth)
      """, path, key])
    return String(decoding: result.output, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines) + result.errors
  }

  @Test func aCIFAR10BatchOfSharedListsIsRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("cifar-10-batches-py/data_batch_1",
                               Self.bomb(keys: ["data", "labels", "filenames"]))
    #expect(try Self.pythonDepth(url.path, key: "data") == "40")
    let message = errorMessage { _ = try CIFARReader.readPython(url, variant: .cifar10) }
    #expect(message.contains(url.path) && message.contains("shared references"), "\(message)")
  }

  @Test func aCIFAR100MetaOfSharedListsIsRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var p = PickleWriter()
    p.proto(2)
    p.op("}")
    p.mark()
    p.string("data")
    p.uint8Array(shape: [1, 3072], data: [UInt8](repeating: 7, count: 3072))
    p.string("fine_labels")
    p.intList([42])
    p.string("coarse_labels")
    p.intList([3])
    p.op("u")
    p.op(".")
    try folder.write("cifar-100-python/train", p.bytes)
    try folder.write("cifar-100-python/test", p.bytes)
    let meta = try folder.write("cifar-100-python/meta",
                                Self.bomb(keys: ["fine_label_names", "coarse_label_names"]))
    #expect(try Self.pythonDepth(meta.path, key: "fine_label_names") == "40")
    let message = errorMessage {
      _ = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .train)
    }
    #expect(message.contains(meta.path) && message.contains("shared references"), "\(message)")
  }

  /// Sharing stays legal below the file's size: the shared list is one object, not copies.
  @Test func aSharedListWithinTheFileSizeReads() throws {
    let value = try PickleReader.load(bytes: Self.bomb(keys: ["a", "b"], levels: 3), file: "ok")
    guard case .list(let items)? = value["a"], case .list(let level2) = items[0] else {
      Issue.record("expected nested lists, got \(value)")
      return
    }
    #expect(items.count == 2 && level2.count == 2)
    guard case .list(let again)? = value["b"] else { Issue.record("no b"); return }
    #expect(again.count == 2)
  }
}
