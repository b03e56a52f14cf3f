import Data
import Foundation
import Testing

/// The pickle reader interprets data and runs nothing.
@Suite struct PickleReaderTests {
  @Test func plainValues() throws {
    let text = try Python.run("""
      import pickle, sys
      value = {'i': -5, 'big': 2**40, 'neg': -2**40, 'f': 1.5, 't': (1, 'x'), 'b': b'\\x00\\xff',
               'n': None, 'yes': True, 'l': [1, [2, 3]], 's': 'h\\u00e9'}
      sys.stdout.write(pickle.dumps(value, protocol=int(sys.argv[1])).hex())
      """, ["4"])
    let bytes = stride(from: 0, to: text.count, by: 2).map {
      UInt8(text.dropFirst($0).prefix(2), radix: 16)!
    }
    let value = try PickleReader.load(bytes: bytes, file: "plain.pkl")
    #expect(value["i"]?.intValue == -5)
    #expect(value["big"]?.intValue == 1 << 40)
    #expect(value["neg"]?.intValue == -(1 << 40))
    if case .float(let f)? = value["f"] { #expect(f == 1.5) } else { Issue.record("no float") }
    #expect(value["t"]?.items?.count == 2)
    if case .bytes(let b)? = value["b"] { #expect(Array(b) == [0, 255]) } else {
      Issue.record("no bytes")
    }
    #expect(value["yes"]?.intValue == 1)
    #expect(value["l"]?.items?[1].items?.count == 2)
    #expect(value["s"]?.text == "hé")
    #expect(value["missing"] == nil)
  }

  @Test func protocol0TextOpcodes() throws {
    // Python 2 protocol 0: STRING with escapes, INT, LONG, UNICODE with a \u escape, in a tuple.
    let source = "(S'a\\x41\\n\\'b\\101'\nI-3\nL12345678901L\nVcaf\\u00e9\\u2603\ntp0\n."
    let value = try PickleReader.load(bytes: Array(source.utf8), file: "p0.pkl")
    let items = try #require(value.items)
    guard case .bytes(let string) = items[0] else { throw Python.Failure(description: "no str") }
    #expect(Array(string) == Array("aA\n'bA".utf8))
    #expect(items[1].intValue == -3)
    #expect(items[2].intValue == 12_345_678_901)
    #expect(items[3].text == "café☃")
  }

  /// A pickle whose only content is a call to a forbidden global must be refused at the opcode
  /// that names it, and the command must not have run.
  @Test(arguments: [0, 2, 4])
  func forbiddenGlobalIsRefusedAndNothingRuns(pickleProtocol: Int) throws {
    let folder = try TemporaryFolder("forbidden\(pickleProtocol)")
    defer { folder.remove() }
    let marker = folder.file("executed")
    _ = try Python.run("""
      import os, pickle, sys
      class Evil:
          def __reduce__(self):
              return (os.system, ('touch ' + sys.argv[1],))
      payload = {'data': 1, 'labels': Evil()}
      open(sys.argv[2], 'wb').write(pickle.dumps(payload, protocol=int(sys.argv[3])))
      """, [marker.path, folder.file("evil.pkl").path, String(pickleProtocol)])
    let url = folder.file("evil.pkl")
    let message = errorMessage { _ = try PickleReader.load(url) }
    #expect(message.contains(url.path))
    #expect(message.contains("forbidden global 'posix.system'"))
    #expect(message.contains("offset "))
    #expect(!FileManager.default.fileExists(atPath: marker.path))
    // The CIFAR reader reports the same error.
    let viaReader = errorMessage { _ = try CIFARReader.readPython(url, variant: .cifar10) }
    #expect(viaReader.contains("forbidden global 'posix.system'"))
    #expect(!FileManager.default.fileExists(atPath: marker.path))
  }

  @Test func forbiddenGlobalOffsetIsTheOpcode() throws {
    // PROTO 2, GLOBAL 'os\nsystem\n' at offset 2.
    let p = PickleWriter.callsOSSystem
    let message = errorMessage { _ = try PickleReader.load(bytes: p.bytes, file: "evil.pkl") }
    #expect(message.contains("evil.pkl, offset 2: pickle names forbidden global 'os.system'"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/strata-should-not-exist"))
  }

  @Test func stackGlobalAndObjectOpcodesAreRefused() {
    // Protocol 4 STACK_GLOBAL naming builtins.eval.
    let stackGlobal: [UInt8] = [0x80, 4, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4]
      + Array("eval".utf8) + [0x93, 0x2E]
    #expect(errorMessage { _ = try PickleReader.load(bytes: stackGlobal, file: "sg.pkl") }
      .contains("sg.pkl, offset 18: pickle names forbidden global 'builtins.eval'"))
    // INST names a class to call.
    let inst: [UInt8] = [0x28] + Array("isubprocess\nPopen\n".utf8) + [0x2E]
    #expect(errorMessage { _ = try PickleReader.load(bytes: inst, file: "inst.pkl") }
      .contains("forbidden global 'subprocess.Popen'"))
    // NEWOBJ even with an allowed class.
    let newobj: [UInt8] = [0x80, 2] + Array("cnumpy\nndarray\n".utf8) + [0x29, 0x81, 0x2E]
    #expect(errorMessage { _ = try PickleReader.load(bytes: newobj, file: "n.pkl") }
      .contains("n.pkl, offset 18: malformed pickle: opcode NEWOBJ"))
    // An allowed global may not be called with anything else: numpy.ndarray(...).
    let call: [UInt8] = [0x80, 2] + Array("cnumpy\nndarray\n".utf8) + [0x29, 0x52, 0x2E]
    #expect(errorMessage { _ = try PickleReader.load(bytes: call, file: "c.pkl") }
      .contains("numpy.ndarray may only be passed to _reconstruct"))
  }

  @Test func truncatedAndMalformedPickles() throws {
    var p = PickleWriter()
    p.proto(2)
    p.op("}")
    p.put()
    p.string("data")
    p.string(Array(repeating: 7, count: 1000))
    p.op("s")
    p.op(".")
    let whole = try PickleReader.load(bytes: p.bytes, file: "ok.pkl")
    #expect(whole["data"] != nil)
    // Cut inside the 1000-byte BINSTRING, which starts at offset 13.
    let cut = Array(p.bytes.prefix(500))
    let message = errorMessage { _ = try PickleReader.load(bytes: cut, file: "cut.pkl") }
    #expect(message.contains("cut.pkl, offset 500: truncated"))
    #expect(message.contains("BINSTRING at offset 13"))
    // No STOP at all.
    #expect(errorMessage { _ = try PickleReader.load(bytes: [0x80, 2, 0x4E], file: "s.pkl") }
      .contains("s.pkl, offset 3: truncated"))
    // An unknown opcode.
    #expect(errorMessage { _ = try PickleReader.load(bytes: [0x80, 2, 0xFF], file: "u.pkl") }
      .contains("u.pkl, offset 2: malformed pickle: unknown opcode 0xFF"))
    // Array bytes that do not match the shape.
    var bad = PickleWriter()
    bad.proto(2)
    bad.uint8Array(shape: [2, 3], data: [1, 2, 3, 4, 5])
    bad.op(".")
    #expect(errorMessage { _ = try PickleReader.load(bytes: bad.bytes, file: "a.pkl") }
      .contains("array data has 5 bytes; shape [2, 3] of |u1 needs 6"))
  }

  @Test func selfReferenceIsRejected() {
    // l = []; l.append(l)
    let bytes: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]
    #expect(errorMessage { _ = try PickleReader.load(bytes: bytes, file: "loop.pkl") }
      .contains("contains itself"))
  }
}
