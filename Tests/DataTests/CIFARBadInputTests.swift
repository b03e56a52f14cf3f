import Data
import Foundation
import Testing

/// Malformed CIFAR files (issue 11), binary and pickled: each read fails with the `DataError`
/// case that says what is wrong, naming the file and the record offset, the pickle opcode offset
/// or the dict entry at fault.
@Suite struct CIFARBadInputTests {
  typealias Files = CIFARReaderTests

  // MARK: Binary version

  /// `bytes` as a binary batch `name`, read as `variant`.
  static func binary(_ name: String, _ bytes: [UInt8], as variant: CIFARVariant = .cifar10)
    -> BadInput.Make
  {
    { folder in
      let url = try folder.write(name, bytes)
      return (url.path, { _ = try CIFARReader.readBinary(url, variant: variant) })
    }
  }

  /// A CIFAR-10 binary folder whose batch `name` is replaced by `bytes` (nil: left out); the
  /// read is of the whole training split, and the error must name `name`.
  static func binaryFolder(replacing name: String, with bytes: [UInt8]?) -> BadInput.Make {
    { folder in
      for b in 1...5 {
        try folder.write("cifar-10-batches-bin/data_batch_\(b).bin", Files.binary10(labels: [1, 2]))
      }
      let target = folder.file("cifar-10-batches-bin/" + name)
      try FileManager.default.removeItem(at: target)
      if let bytes { try folder.write("cifar-10-batches-bin/" + name, bytes) }
      return (target.path, {
        _ = try CIFARReader.read(root: folder.url, variant: .cifar10, split: .train)
      })
    }
  }

  static let binaryCases: [BadInput] = [
    BadInput("empty batch", "truncated", place: "offset 0", ["empty file, no CIFAR record"],
             make: binary("test_batch.bin", [])),
    BadInput("less than one record", "truncated", place: "offset 100",
             ["record 0 starts at offset 0 but has only 100 of its 3073 bytes"],
             make: binary("test_batch.bin", Array(Files.binary10(labels: [1]).prefix(100)))),
    BadInput("last record cut", "truncated", place: "offset 6246",
             ["record 2 starts at offset 6146 but has only 100 of its 3073 bytes"],
             make: binary("test_batch.bin",
                          Array(Files.binary10(labels: [1, 2, 3]).prefix(3073 * 2 + 100)))),
    BadInput("CIFAR-10 label 10", "labelOutOfRange", place: "entry 1, offset 3073",
             ["label 10 out of range 0..<10"], make: binary("b.bin", Files.binary10(labels: [1, 10]))),
    BadInput("CIFAR-10 label 255 in the first record", "labelOutOfRange",
             place: "entry 0, offset 0", ["label 255 out of range 0..<10"],
             make: binary("b.bin", Files.binary10(labels: [255, 1]))),
    BadInput("CIFAR-100 fine label 100", "labelOutOfRange", place: "entry 1, offset 3075",
             ["label 100 out of range 0..<100"],
             make: binary("train.bin", Files.binary100(coarse: [1, 2], fine: [3, 100]),
                          as: .cifar100)),
    BadInput("CIFAR-100 coarse label 20", "labelOutOfRange", place: "entry 0, offset 0",
             ["label 20 out of range 0..<20"],
             make: binary("train.bin", Files.binary100(coarse: [20], fine: [3]), as: .cifar100)),
    BadInput("CIFAR-100 file read as CIFAR-10", "truncated", place: "offset 9222",
             ["record 3 starts at offset 9219 but has only 3 of its 3073 bytes"],
             make: binary("train.bin", Files.binary100(coarse: [1, 2, 3], fine: [4, 5, 6]))),
    BadInput("CIFAR-10 file read as CIFAR-100", "truncated", place: "offset 6146",
             ["record 1 starts at offset 3074 but has only 3072 of its 3074 bytes"],
             make: binary("train.bin", Files.binary10(labels: [1, 2]), as: .cifar100)),
    BadInput("gzipped batch cut in half", "truncated", place: ", offset ",
             ["gzip stream ends"]) { folder in
      let gz = try gzipped(Files.binary10(labels: [1, 2, 3]), in: folder)
      let url = try folder.write("test_batch.bin.gz", Array(gz.prefix(gz.count / 2)))
      return (url.path, { _ = try CIFARReader.readBinary(url, variant: .cifar10) })
    },
    BadInput("a batch missing from the folder", "unreadable", place: ": cannot read: missing",
             ["holds data_batch_1.bin, data_batch_2.bin, data_batch_4.bin, data_batch_5.bin"],
             make: binaryFolder(replacing: "data_batch_3.bin", with: nil)),
    BadInput("bad label in the second of five batches", "labelOutOfRange",
             place: "entry 1, offset 3073", ["label 12 out of range 0..<10"],
             make: binaryFolder(replacing: "data_batch_2.bin", with: Files.binary10(labels: [1, 12]))),
    BadInput("zero-byte batch in the folder", "truncated", place: "offset 0",
             make: binaryFolder(replacing: "data_batch_5.bin", with: [])),
    BadInput("a folder where a batch should be", "unreadable", place: ": cannot read",
             ["not a regular file"]) { folder in
      try folder.makeFolder("cifar-100-binary/test.bin")
      return (folder.file("cifar-100-binary/test.bin").path, {
        _ = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .test)
      })
    },
    BadInput("no CIFAR files at all", "unreadable", place: ": cannot read",
             ["no cifar100 train files", "cifar-100-binary/{train.bin}"]) { folder in
      (folder.path, { _ = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .train) })
    },
  ]

  @Test(arguments: binaryCases)
  func malformedBinaryBatch(_ input: BadInput) throws {
    try input.check()
  }

  // MARK: Python (pickle) version

  typealias Value = @Sendable (inout PickleWriter) -> Void

  /// A protocol-2 dict of `entries` as cPickle writes a CIFAR batch.
  static func dict(_ entries: [(String, Value)]) -> [UInt8] {
    var p = PickleWriter()
    p.proto(2)
    p.op("}")
    p.put()
    p.mark()
    for (key, value) in entries {
      p.string(key)
      value(&p)
    }
    p.op("u")
    p.op(".")
    return p.bytes
  }

  static func images(_ count: Int) -> Value {
    { $0.uint8Array(shape: [count, 3072], data: (0..<count).flatMap { Files.image($0) }) }
  }

  static func ints(_ values: [Int]) -> Value { { $0.intList(values) } }

  /// `bytes` as a pickled batch, read as `variant`.
  static func pickle(_ bytes: [UInt8], as variant: CIFARVariant = .cifar10) -> BadInput.Make {
    { folder in
      let url = try folder.write("data_batch_1", bytes)
      return (url.path, { _ = try CIFARReader.readPython(url, variant: variant) })
    }
  }

  /// Raw pickle opcodes, read as a CIFAR-10 batch.
  static func opcodes(_ build: @escaping @Sendable (inout PickleWriter) -> Void) -> BadInput.Make {
    { folder in
      var p = PickleWriter()
      build(&p)
      let url = try folder.write("data_batch_1", p.bytes)
      return (url.path, { _ = try CIFARReader.readPython(url, variant: .cifar10) })
    }
  }

  static let pickleCases: [BadInput] = [
    BadInput("top level is a list", "invalidContent", place: "entry top level",
             ["expected a dict, found list"], make: opcodes { p in
               p.proto(2)
               p.intList([1, 2])
               p.op(".")
             }),
    BadInput("no data entry", "invalidContent", place: "entry data",
             ["missing; the dict has keys"], make: pickle(dict([("labels", ints([1]))]))),
    BadInput("data is a list", "invalidContent", place: "entry data",
             ["expected a numpy uint8 array, found list"],
             make: pickle(dict([("data", ints([1, 2])), ("labels", ints([1]))]))),
    BadInput("data of dtype int64", "invalidContent", place: "entry data",
             ["expected dtype uint8, found |i8"], make: pickle(dict([
               ("data", { $0.array(shape: [1, 3], dtype: "i8", data: Array(repeating: 0, count: 24)) }),
               ("labels", ints([1])),
             ]))),
    BadInput("rows of 3071 pixels", "invalidContent", place: "entry data",
             ["expected a C-ordered N×3072 array, found shape [2, 3071]"], make: pickle(dict([
               ("data", { $0.uint8Array(shape: [2, 3071], data: Array(repeating: 7, count: 6142)) }),
               ("labels", ints([1, 2])),
             ]))),
    BadInput("data in Fortran order", "invalidContent", place: "entry data",
             ["in Fortran order"], make: pickle(dict([
               ("data", { $0.array(shape: [1, 3072], dtype: "u1", fortran: true,
                                   data: Files.image(0)) }),
               ("labels", ints([1])),
             ]))),
    // Once a trap: the count times 3072 overflowed.
    BadInput("data of shape [2^62, 0]", "invalidContent", place: "entry data",
             ["found shape [4611686018427387904, 0]"], make: pickle(dict([
               ("data", { $0.uint8Array(shape: [1 << 62, 0], data: []) }), ("labels", ints([])),
             ]))),
    BadInput("fewer labels than images", "countMismatch", place: "'labels'",
             ["'data' holds 3 images but 'labels' holds 2 labels"],
             make: pickle(dict([("data", images(3)), ("labels", ints([1, 2]))]))),
    BadInput("label 11 of CIFAR-10", "invalidContent", place: "entry labels[2]",
             ["label 11 out of range 0..<10"],
             make: pickle(dict([("data", images(3)), ("labels", ints([1, 2, 11]))]))),
    BadInput("negative label", "invalidContent", place: "entry labels[0]",
             ["label -3 out of range 0..<10"],
             make: pickle(dict([("data", images(1)), ("labels", ints([-3]))]))),
    BadInput("a label that is a string", "invalidContent", place: "entry labels[1]",
             ["expected an int, found bytes"], make: pickle(dict([
               ("data", images(2)), ("labels", { p in
                 p.op("]")
                 p.mark()
                 p.int(1)
                 p.string("cat")
                 p.op("e")
               }),
             ]))),
    BadInput("labels that are a dict", "invalidContent", place: "entry labels",
             ["expected a list of ints, found dict"],
             make: pickle(dict([("data", images(1)), ("labels", { $0.op("}") })]))),
    BadInput("CIFAR-100 batch without fine_labels", "invalidContent", place: "entry fine_labels",
             ["missing; the dict has keys"],
             make: pickle(dict([("data", images(1)), ("labels", ints([1]))]), as: .cifar100)),
    BadInput("CIFAR-100 coarse label 20 beside good fine labels", "invalidContent",
             place: "entry coarse_labels[1]", ["label 20 out of range 0..<20"], make: pickle(dict([
               ("data", images(2)), ("fine_labels", ints([5, 99])), ("coarse_labels", ints([0, 20])),
             ]), as: .cifar100)),
    BadInput("empty pickle", "truncated", place: "offset 0", ["pickle opcode at offset 0"],
             make: pickle([])),
    BadInput("cut inside the pixel bytes", "truncated", place: "BINSTRING at offset ",
             ["needs 3072 bytes"]) { folder in
      let bytes = dict([("data", images(1)), ("labels", ints([1]))])
      let url = try folder.write("data_batch_1", Array(bytes.prefix(bytes.count / 2)))
      return (url.path, { _ = try CIFARReader.readPython(url, variant: .cifar10) })
    },
    BadInput("no STOP opcode", "truncated", place: "offset 3", make: pickle([0x80, 2, 0x4E])),
    BadInput("forbidden global os.system", "forbiddenGlobal", place: "offset 2",
             ["forbidden global 'os.system'"], make: pickle(PickleWriter.callsOSSystem.bytes)),
    BadInput("INST of subprocess.Popen", "forbiddenGlobal", place: "offset 1",
             ["forbidden global 'subprocess.Popen'"],
             make: pickle([0x28] + Array("isubprocess\nPopen\n".utf8) + [0x2E])),
    BadInput("NEWOBJ of an allowed class", "malformedPickle", place: "offset 18",
             ["opcode NEWOBJ constructs an arbitrary object; refused"],
             make: pickle([0x80, 2] + Array("cnumpy\nndarray\n".utf8) + [0x29, 0x81, 0x2E])),
    BadInput("unknown opcode", "malformedPickle", place: "offset 2", ["unknown opcode 0xFF"],
             make: pickle([0x80, 2, 0xFF])),
    BadInput("protocol 6", "malformedPickle", place: "offset 0",
             ["unsupported pickle protocol 6"], make: pickle([0x80, 6, 0x4E, 0x2E])),
    BadInput("memo key never stored", "malformedPickle", place: "offset 2",
             ["memo key 7 was never stored"], make: pickle([0x80, 2, 0x68, 7, 0x2E])),
    BadInput("STOP on an empty stack", "malformedPickle", place: "offset 2",
             ["stack underflow"], make: pickle([0x80, 2, 0x2E])),
    BadInput("negative BINSTRING length", "malformedPickle", place: "offset 2",
             ["BINSTRING with negative length -1"],
             make: pickle([0x80, 2, 0x54, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E])),
    BadInput("array bytes not matching the shape", "malformedPickle", place: "offset ",
             ["array data has 5 bytes; shape [2, 3] of |u1 needs 6"], make: opcodes { p in
               p.proto(2)
               p.uint8Array(shape: [2, 3], data: [1, 2, 3, 4, 5])
               p.op(".")
             }),
    BadInput("object dtype", "malformedPickle", place: "offset ",
             ["numpy.dtype of an unsupported type"], make: opcodes { p in
               p.proto(2)
               p.array(shape: [1], dtype: "O", data: [0])
               p.op(".")
             }),
    BadInput("a list that contains itself", "malformedPickle", place: "offset ",
             ["contains itself"], make: pickle([0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E])),
  ]

  @Test(arguments: pickleCases)
  func malformedPickledBatch(_ input: BadInput) throws {
    try input.check()
    #expect(!FileManager.default.fileExists(atPath: "/tmp/strata-should-not-exist"))
  }
}
