import Data
import Testing

/// Deeply nested pickles are refused with an error, not a stack overflow (the fuzzer found a
/// chain of TUPLE1 opcodes that overflowed the stack while being converted).
@Suite struct PickleNestingTests {
  /// Protocol 2 header, a value, `opcode` repeated, STOP.
  static func pickle(_ body: [UInt8]) -> [UInt8] { [0x80, 0x02] + body + [0x2E] }

  static func message(_ bytes: [UInt8]) -> String {
    do {
      _ = try PickleReader.load(bytes: bytes, file: "deep.pkl")
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func aChainOfTuplesIsRefused() {
    // None, then TUPLE1 a hundred thousand times: (((None,),),)…
    let message = Self.message(Self.pickle([0x4E] + Array(repeating: 0x85, count: 100_000)))
    #expect(message.contains("deep.pkl") && message.contains("tuples nested more than 256 levels"),
            "\(message)")
  }

  @Test func aChainOfListsIsRefused() {
    // EMPTY_LIST, then per level: MEMOIZE it, POP, EMPTY_LIST, LONG_BINGET the old one,
    // APPEND it into the new one: [[[…]]].
    var body: [UInt8] = [0x5D]
    for level in 0..<10_000 {
      let index = UInt32(level)
      body += [0x94, 0x30, 0x5D, 0x6A] + (0..<4).map { UInt8(truncatingIfNeeded: index >> (8 * $0)) }
        + [0x61]
    }
    let message = Self.message(Self.pickle(body))
    #expect(message.contains("deep.pkl") && message.contains("nested more than 256 levels"),
            "\(message)")
  }

  @Test func nestingUpToTheLimitReads() throws {
    let value = try PickleReader.load(
      bytes: Self.pickle([0x4E] + Array(repeating: 0x85, count: 255)), file: "ok.pkl")
    var depth = 0
    var node = value
    while let items = node.items, items.count == 1 { node = items[0]; depth += 1 }
    #expect(depth == 255)
  }

  /// The fuzzer's input itself.
  @Test func theFuzzerFinding() {
    let message = Self.message([0x55, 0x01, 0x00, 0x55, 0x01] + Array(repeating: 0x71, count: 6)
                               + Array(repeating: 0x85, count: 2_000) + [0x2E])
    #expect(message.contains("nested more than 256 levels") || message.contains("BINPUT"),
            "\(message)")
  }
}
