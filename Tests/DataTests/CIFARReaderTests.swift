import Data
import Foundation
import Testing

/// Small CIFAR files in each published format, written by the tests.
@Suite struct CIFARReaderTests {
  /// Image `i`: R plane all i, G plane counting up, B plane 255 − i (so planes are told apart).
  static func image(_ i: Int) -> [UInt8] {
    Array(repeating: UInt8(i & 0xFF), count: 1024) + (0..<1024).map { UInt8(($0 + i) & 0xFF) }
      + Array(repeating: UInt8(255 - i & 0xFF), count: 1024)
  }

  static func binary10(labels: [UInt8]) -> [UInt8] {
    labels.enumerated().flatMap { [$0.element] + image($0.offset) }
  }

  static func binary100(coarse: [UInt8], fine: [UInt8]) -> [UInt8] {
    (0..<fine.count).flatMap { [coarse[$0], fine[$0]] + image($0) }
  }

  @Test func binaryCIFAR10Folder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    for b in 1...5 {
      try folder.write("cifar-10-batches-bin/data_batch_\(b).bin",
        Self.binary10(labels: [UInt8(b), UInt8(9 - b)]))
    }
    try folder.write("cifar-10-batches-bin/test_batch.bin", Self.binary10(labels: [3, 4, 5]))
    let train = try CIFARReader.read(root: folder.url, variant: .cifar10, split: .train)
    #expect(train.count == 10)
    #expect(train.labels == [1, 8, 2, 7, 3, 6, 4, 5, 5, 4])
    #expect(train.classNames[0] == "airplane")
    #expect(Array(train.image(at: 1)) == Self.image(1))
    let test = try CIFARReader.read(
      root: folder.file("cifar-10-batches-bin"), variant: .cifar10, split: .test)
    #expect(test.labels == [3, 4, 5])
    // CHW planes: channel 0 is R (all i), channel 2 is B (255 − i).
    try test.withPixels(at: 2) { pixels in
      #expect(pixels[0, 5, 7] == 2)
      #expect(pixels[1, 0, 3] == 5)
      #expect(pixels[2, 31, 31] == 253)
    }
  }

  @Test func binaryCIFAR100FineAndCoarse() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("cifar-100-binary/train.bin",
      Self.binary100(coarse: [4, 19, 0], fine: [99, 7, 55]))
    try folder.write("cifar-100-binary/test.bin", Self.binary100(coarse: [1], fine: [2]))
    let fine = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .train)
    #expect(fine.labels == [99, 7, 55])
    #expect(fine.classCount == 100)
    #expect(Array(fine.image(at: 2)) == Self.image(2))
    let coarse = try CIFARReader.read(
      root: folder.url, variant: .cifar100, split: .train, labels: .coarse)
    #expect(coarse.labels == [4, 19, 0])
    #expect(coarse.classCount == 20)
  }

  @Test func python2Protocol2CIFAR10() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let labels = Array(0..<1200).map { ($0 * 7) % 10 }  // > 1000: several APPENDS groups
    let count = labels.count
    let data = (0..<count).flatMap { Self.image($0) }
    var p = PickleWriter()
    p.proto(2)
    p.op("}")
    p.put()
    p.mark()
    p.string("data")
    p.uint8Array(shape: [count, 3072], data: data)
    p.string("labels")
    p.intList(labels)
    p.string("batch_label")
    p.string("training batch 1 of 5")
    p.string("filenames")
    p.stringList((0..<count).map { "img_\($0).png" })  // > 256 memo entries: LONG_BINPUT
    p.op("u")
    p.op(".")
    let url = try folder.write("cifar-10-batches-py/data_batch_1", p.bytes)

    let read = try CIFARReader.readPython(url, variant: .cifar10)
    #expect(read.labels == labels.map(Int32.init))
    #expect(read.pixels == data)

    // The handcrafted file is a real pickle: Python 3 + numpy loads it as a Python 2 file.
    let check = try Python.run("""
      import pickle, sys, numpy as np
      d = pickle.load(open(sys.argv[1], 'rb'), encoding='bytes')
      print(sorted(d.keys()), d[b'data'].dtype, d[b'data'].shape, int(d[b'data'][5, 1030]),
            sum(d[b'labels']), d[b'filenames'][1])
      """, [url.path])
    #expect(check.contains("uint8 (1200, 3072) 11 \(labels.reduce(0, +)) b'img_1.png'"))
  }

  @Test func python2Protocol2CIFAR100() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var p = PickleWriter()
    p.proto(2)
    p.op("}")
    p.put()
    p.mark()
    p.string("data")
    p.uint8Array(shape: [2, 3072], data: Self.image(0) + Self.image(1))
    p.string("fine_labels")
    p.intList([42, 99])
    p.string("coarse_labels")
    p.intList([3, 19])
    p.op("u")
    p.op(".")
    try folder.write("cifar-100-python/train", p.bytes)
    var meta = PickleWriter()
    meta.proto(2)
    meta.op("}")
    meta.put()
    meta.mark()
    meta.string("fine_label_names")
    meta.stringList((0..<100).map { "fine\($0)" })
    meta.string("coarse_label_names")
    meta.stringList((0..<20).map { "coarse\($0)" })
    meta.op("u")
    meta.op(".")
    try folder.write("cifar-100-python/meta", meta.bytes)
    try folder.write("cifar-100-python/test", p.bytes)

    let fine = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .train)
    #expect(fine.labels == [42, 99])
    #expect(fine.classNames[42] == "fine42")
    let coarse = try CIFARReader.read(
      root: folder.url, variant: .cifar100, split: .test, labels: .coarse)
    #expect(coarse.labels == [3, 19])
    #expect(coarse.classNames[19] == "coarse19")
  }

  /// Files as Python 3 writes them with numpy: protocols 0 and 1 (text opcodes), 2 (bytes through
  /// _codecs.encode), 3–4 (BINBYTES, STACK_GLOBAL) and the highest, 5 (_frombuffer, BYTEARRAY8);
  /// bytes and str keys; labels as a list and as a numpy int64 array.
  @Test(arguments: [0, 1, 2, 3, 4, 5])
  func python3Writers(pickleProtocol: Int) throws {
    let folder = try TemporaryFolder("py3protocol\(pickleProtocol)")
    defer { folder.remove() }
    _ = try Python.run("""
      import pickle, sys, numpy as np
      root, proto = sys.argv[1], int(sys.argv[2])
      rng = np.random.RandomState(3)
      data = rng.randint(0, 256, size=(6, 3072)).astype(np.uint8)
      np.save(root + '/expected.npy', data)
      c10 = {b'data': data, b'labels': [0, 9, 3, 3, 1, 2], b'batch_label': b'x'}
      pickle.dump(c10, open(root + '/c10', 'wb'), protocol=proto)
      c100 = {'data': data, 'fine_labels': np.array([5, 99, 0, 1, 2, 3], dtype=np.int64),
              'coarse_labels': [0, 19, 1, 1, 2, 3], 'filenames': ['a'] * 6}
      pickle.dump(c100, open(root + '/c100', 'wb'), protocol=proto)
      open(root + '/expected.bin', 'wb').write(data.tobytes())
      """, [folder.path, String(pickleProtocol)])
    let expected = [UInt8](try Foundation.Data(contentsOf: folder.file("expected.bin")))
    let c10 = try CIFARReader.readPython(folder.file("c10"), variant: .cifar10)
    #expect(c10.labels == [0, 9, 3, 3, 1, 2])
    #expect(c10.pixels == expected)
    let c100 = try CIFARReader.readPython(folder.file("c100"), variant: .cifar100)
    #expect(c100.labels == [5, 99, 0, 1, 2, 3])
    #expect(c100.pixels == expected)
    let coarse = try CIFARReader.readPython(
      folder.file("c100"), variant: .cifar100, labels: .coarse)
    #expect(coarse.labels == [0, 19, 1, 1, 2, 3])
  }

  // MARK: Bad files

  @Test func truncatedBinaryRecord() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("test_batch.bin",
      Array(Self.binary10(labels: [1, 2, 3]).prefix(3073 * 2 + 100)))
    let message = errorMessage { _ = try CIFARReader.readBinary(url, variant: .cifar10) }
    #expect(message.contains(url.path))
    #expect(message.contains("offset 6246"))
    #expect(message.contains("record 2 starts at offset 6146"))
  }

  @Test func binaryLabelOutOfRange() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let c10 = try folder.write("c10.bin", Self.binary10(labels: [1, 10]))
    let message = errorMessage { _ = try CIFARReader.readBinary(c10, variant: .cifar10) }
    #expect(message.contains(c10.path))
    #expect(message.contains("entry 1, offset 3073"))
    #expect(message.contains("label 10 out of range 0..<10"))

    let c100 = try folder.write("c100.bin", Self.binary100(coarse: [1, 2], fine: [3, 100]))
    let fine = errorMessage { _ = try CIFARReader.readBinary(c100, variant: .cifar100) }
    #expect(fine.contains("entry 1, offset 3075: label 100 out of range 0..<100"))
    let badCoarse = try folder.write("c100b.bin", Self.binary100(coarse: [20], fine: [3]))
    #expect(errorMessage { _ = try CIFARReader.readBinary(badCoarse, variant: .cifar100) }
      .contains("entry 0, offset 0: label 20 out of range 0..<20"))
  }

  @Test func pickleLabelProblems() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    func file(labels: [Int], images: Int) -> [UInt8] {
      var p = PickleWriter()
      p.proto(2)
      p.op("}")
      p.put()
      p.mark()
      p.string("data")
      p.uint8Array(shape: [images, 3072], data: (0..<images).flatMap { Self.image($0) })
      p.string("labels")
      p.intList(labels)
      p.op("u")
      p.op(".")
      return p.bytes
    }
    let outOfRange = try folder.write("range", file(labels: [1, 2, 11], images: 3))
    let range = errorMessage { _ = try CIFARReader.readPython(outOfRange, variant: .cifar10) }
    #expect(range.contains(outOfRange.path))
    #expect(range.contains("entry labels[2]: label 11 out of range 0..<10"))

    let mismatch = try folder.write("count", file(labels: [1, 2], images: 3))
    let count = errorMessage { _ = try CIFARReader.readPython(mismatch, variant: .cifar10) }
    #expect(count.contains(mismatch.path))
    #expect(count.contains("'data' holds 3 images but 'labels' holds 2 labels"))

    let c100 = errorMessage { _ = try CIFARReader.readPython(mismatch, variant: .cifar100) }
    #expect(c100.contains("entry fine_labels: missing"))
  }

  @Test func missingFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let message = errorMessage {
      _ = try CIFARReader.read(root: folder.url, variant: .cifar100, split: .train)
    }
    #expect(message.contains(folder.path))
    #expect(message.contains("cifar-100-binary"))
  }
}
