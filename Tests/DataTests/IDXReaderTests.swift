import Data
import Foundation
import Testing

/// Fashion-MNIST from Debian's dataset-fashion-mnist, checked against Python's own reading.
@Suite struct FashionMNISTTests {
  static let directory = IDXReader.defaultFashionMNISTDirectory

  /// Python (gzip + struct, no numpy) prints the header and the byte at image:pixel specs.
  static let pythonPixels = """
    import gzip, struct, sys
    with gzip.open(sys.argv[1]) as f: d = f.read()
    magic, n, r, c = struct.unpack('>IIII', d[:16])
    out = [magic, n, r, c]
    for spec in sys.argv[2:]:
        i, p = map(int, spec.split(':'))
        out.append(d[16 + i * r * c + p])
    print(' '.join(map(str, out)))
    """

  static let pythonLabels = """
    import gzip, struct, sys
    with gzip.open(sys.argv[1]) as f: d = f.read()
    magic, n = struct.unpack('>II', d[:8])
    print(' '.join(map(str, [magic, n] + [d[8 + int(i)] for i in sys.argv[2:]])))
    """

  @Test(arguments: [DataSplit.train, .test])
  func countsAndLabels(split: DataSplit) throws {
    let set = try IDXReader.fashionMNIST(split: split)
    let perClass = split == .train ? 6000 : 1000
    #expect(set.count == perClass * 10)
    #expect(set.shape == ImageShape(channels: 1, height: 28, width: 28))
    #expect(set.classNames.count == 10)
    #expect(set.indicesByClass().map(\.count) == Array(repeating: perClass, count: 10))
  }

  @Test(arguments: [DataSplit.train, .test])
  func pixelsAndLabelsMatchPython(split: DataSplit) throws {
    let set = try IDXReader.fashionMNIST(split: split)
    let prefix = split == .train ? "train" : "t10k"
    let samples = [(0, 0), (0, 350), (1, 400), (2, 783), (set.count / 2, 200),
      (set.count - 1, 405), (set.count - 1, 783)]
    let expected = try Python.integers(Self.pythonPixels,
      [Self.directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path]
        + samples.map { "\($0.0):\($0.1)" })
    #expect(Array(expected.prefix(4)) == [2051, set.count, 28, 28])
    let ours = samples.map { Int(set.image(at: $0.0)[set.image(at: $0.0).startIndex + $0.1]) }
    #expect(ours == Array(expected.dropFirst(4)))
    // Not a blank image: the check would pass on zeros otherwise.
    #expect(ours.contains { $0 > 0 })

    let labelIndices = [0, 1, 2, 3, 4, 5, set.count - 1]
    let labels = try Python.integers(Self.pythonLabels,
      [Self.directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path]
        + labelIndices.map(String.init))
    #expect(Array(labels.prefix(2)) == [2049, set.count])
    #expect(labelIndices.map { Int(set.labels[$0]) } == Array(labels.dropFirst(2)))
  }
}

/// IDX files the tests write: raw and gzipped, and broken in each way a download can break.
@Suite struct IDXReaderTests {
  static func imagesFile(count: UInt32, rows: UInt32 = 2, columns: UInt32 = 2,
    magic: UInt32 = 0x0803, pixels: [UInt8]) -> [UInt8]
  {
    bigEndian(magic) + bigEndian(count) + bigEndian(rows) + bigEndian(columns) + pixels
  }

  static func labelsFile(_ labels: [UInt8], count: UInt32? = nil) -> [UInt8] {
    bigEndian(0x0801) + bigEndian(count ?? UInt32(labels.count)) + labels
  }

  @Test func readsRawAndGzippedFiles() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let images = try folder.write("img", Self.imagesFile(count: 3, pixels: Array(1...12)))
    let labels = try folder.write("lab", Self.labelsFile([2, 0, 9]))
    let raw = try IDXReader.read(images: images, labels: labels,
      classNames: IDXReader.fashionMNISTClassNames)
    #expect(raw.pixels == Array(1...12))
    #expect(raw.labels == [2, 0, 9])
    #expect(Array(raw.image(at: 1)) == [5, 6, 7, 8])

    _ = try Python.run("import gzip, shutil, sys\nfor p in sys.argv[1:]:\n"
      + "    shutil.copyfileobj(open(p, 'rb'), gzip.open(p + '.gz', 'wb'))",
      [images.path, labels.path])
    let gz = try IDXReader.read(images: folder.file("img.gz"), labels: folder.file("lab.gz"),
      classNames: IDXReader.fashionMNISTClassNames)
    #expect(gz.pixels == raw.pixels)
    #expect(gz.labels == raw.labels)
  }

  @Test func truncatedImageFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("short-images", Self.imagesFile(count: 3, pixels: Array(1...10)))
    let message = errorMessage { _ = try IDXReader.readImages(url) }
    #expect(message.contains(url.path))
    #expect(message.contains("offset 26"))
    #expect(message.contains("truncated"))
  }

  /// Found by fuzzing: a header whose count × rows × columns overflows Int must be an error,
  /// not a trap.
  @Test func headerWhoseSizeOverflows() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("huge", Self.imagesFile(count: 0xFFFF_FFFF, rows: 0xFFFF_FFFF,
                                                       columns: 0xFFFF_FFFF, pixels: [1, 2]))
    let message = errorMessage { _ = try IDXReader.readImages(url) }
    #expect(message.contains(url.path) && message.contains("more bytes than any file holds"))
  }

  @Test func truncatedGzipStream() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let pixels = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
    let url = try folder.write("img", Self.imagesFile(count: 1000, pixels: pixels))
    _ = try Python.run("""
      import gzip, sys
      data = gzip.compress(open(sys.argv[1], 'rb').read())
      open(sys.argv[1] + '.gz', 'wb').write(data[: len(data) // 2])
      """, [url.path])
    let gz = folder.file("img.gz")
    let message = errorMessage { _ = try IDXReader.readImages(gz) }
    #expect(message.contains(gz.path))
    #expect(message.contains("truncated"))
    #expect(message.contains("offset "))
  }

  @Test func wrongMagicNumber() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("img",
      Self.imagesFile(count: 1, magic: 0x0804, pixels: [0, 0, 0, 0]))
    let message = errorMessage { _ = try IDXReader.readImages(url) }
    #expect(message.contains(url.path))
    #expect(message.contains("offset 0"))
    #expect(message.contains("wrong magic number 0x00000804"))
    // A label file given as images is a wrong magic number too.
    let labels = try folder.write("lab", Self.labelsFile([1]))
    #expect(errorMessage { _ = try IDXReader.readImages(labels) }.contains("0x00000801"))
  }

  @Test func labelOutOfRange() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try folder.write("lab", Self.labelsFile([1, 9, 12, 3]))
    let message = errorMessage { _ = try IDXReader.readLabels(url, classCount: 10) }
    #expect(message.contains(url.path))
    #expect(message.contains("entry 2, offset 10"))
    #expect(message.contains("label 12 out of range 0..<10"))
  }

  @Test func imageCountNotMatchingHeader() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Header says 2 images; 3 follow.
    let url = try folder.write("img", Self.imagesFile(count: 2, pixels: Array(1...12)))
    let message = errorMessage { _ = try IDXReader.readImages(url) }
    #expect(message.contains(url.path))
    #expect(message.contains("offset 24"))
    #expect(message.contains("header says 2 images"))

    // Images and labels disagree.
    let images = try folder.write("img3", Self.imagesFile(count: 3, pixels: Array(1...12)))
    let labels = try folder.write("lab2", Self.labelsFile([1, 2]))
    let mismatch = errorMessage {
      _ = try IDXReader.read(images: images, labels: labels,
        classNames: IDXReader.fashionMNISTClassNames)
    }
    #expect(mismatch.contains(images.path))
    #expect(mismatch.contains("3 images but 2 labels"))
  }

  @Test func missingFile() {
    let message = errorMessage {
      _ = try IDXReader.readImages(URL(fileURLWithPath: "/nonexistent/strata/img"))
    }
    #expect(message.contains("/nonexistent/strata/img"))
    #expect(message.contains("cannot read"))
  }
}
