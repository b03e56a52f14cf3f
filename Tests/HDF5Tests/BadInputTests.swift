import Foundation
import HDF5
import Testing

/// Files and requests from the world that are wrong: each throws an error naming the file or the
/// object, never crashes, and leaves nothing open.
@Suite struct BadInputTests {
  private func expectOpenFails(_ path: String, mentioning detail: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
    for mode in [HDF5File.AccessMode.readOnly, .readWrite] {
      let error = #expect(throws: HDF5Error.self, sourceLocation: sourceLocation) {
        try HDF5File.open(path, mode: mode)
      }
      guard let error else { continue }
      #expect(error.kind == .library, sourceLocation: sourceLocation)
      // Opening for writing checks the signature first (H5Fis_hdf5): HDF5 would otherwise turn
      // an empty file into an HDF5 file.
      #expect(error.call == "H5Fopen" || (mode == .readWrite && error.call == "H5Fis_hdf5"),
              "\(error)", sourceLocation: sourceLocation)
      #expect(error.file == path, sourceLocation: sourceLocation)
      #expect(error.description.contains(path), sourceLocation: sourceLocation)
      #expect(error.description.lowercased().contains(detail), "\(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func missingFile() throws {
    try withScratchDirectory { directory in
      expectOpenFails(directory + "/missing.h5", mentioning: "no such file")
    }
  }

  @Test func emptyFileIsRefusedAndLeftEmpty() throws {
    try withScratchDirectory { directory in
      let path = directory + "/empty.h5"
      #expect(FileManager.default.createFile(atPath: path, contents: Data()))
      expectOpenFails(path, mentioning: "signature")
      let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
      #expect(size == 0)
    }
  }

  @Test func textFile() throws {
    try withScratchDirectory { directory in
      let path = directory + "/notes.h5"
      try String(repeating: "not an HDF5 file\n", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
      expectOpenFails(path, mentioning: "signature")
    }
  }

  @Test func truncatedFile() throws {
    try withScratchDirectory { directory in
      let path = directory + "/cut.h5"
      do {
        let file = try HDF5File.create(path)
        try file.root.createDataset("x", values: (0..<20_000).map(Double.init))
        try file.root.createGroup("g").attributes.write("units", "1")
        try file.close()
      }
      let handle = try #require(FileHandle(forUpdatingAtPath: path))
      let size = try handle.seekToEnd()
      try handle.truncate(atOffset: size / 2)
      try handle.close()
      expectOpenFails(path, mentioning: "truncated")
    }
  }

  @Test func wrongElementTypeOrRankNamesTheDataset() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let grid = try file.root.createGroup("probes").createDataset(
          "cka", values: [Float](repeating: 0.5, count: 6), shape: [2, 3])

        let asInt = try #require(throws: HDF5Error.self) { try grid.read(Int32.self) }
        #expect(asInt.kind == .typeMismatch)
        #expect(asInt.object == "/probes/cka")
        #expect(asInt.description.contains("'/probes/cka'"))
        #expect(asInt.description.contains(file.path))
        #expect(asInt.description.contains("32-bit float"))
        #expect(asInt.description.contains("32-bit signed integer"))

        #expect(throws: HDF5Error.self) { try grid.read(Double.self) }
        #expect(throws: HDF5Error.self) { try grid.read(String.self) }

        let asRank3 = try #require(throws: HDF5Error.self) { try grid.read(Float.self, rank: 3) }
        #expect(asRank3.kind == .rankMismatch)
        #expect(asRank3.description.contains("'/probes/cka'"))
        #expect(asRank3.description.contains("rank is 2"))
        let asScalar = try #require(throws: HDF5Error.self) { try grid.readScalar(Float.self) }
        #expect(asScalar.kind == .rankMismatch)
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func missingDatasetGroupAndAttributeAreNamed() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let group = try file.root.createGroup("probes")
        let dataset = try #require(throws: HDF5Error.self) { try group.openDataset("grad_norm") }
        #expect(dataset.call == "H5Dopen2")
        #expect(dataset.object == "/probes/grad_norm")
        #expect(dataset.description.contains(file.path))
        #expect(dataset.description.contains("doesn't exist"), "\(dataset)")

        let missingGroup = try #require(throws: HDF5Error.self) { try file.root.openGroup("split") }
        #expect(missingGroup.call == "H5Gopen2")
        #expect(missingGroup.description.contains("'/split'"))

        let attribute = try #require(throws: HDF5Error.self) {
          try group.attributes.read("units", as: String.self)
        }
        #expect(attribute.call == "H5Aopen")
        #expect(attribute.description.contains("'/probes' attribute 'units'"))
        #expect(attribute.description.contains(file.path))
        #expect(throws: HDF5Error.self) { try group.attributes.remove("units") }
        #expect(throws: HDF5Error.self) { try group.kind(of: "nothing") }
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func errorsDoNotLeakIntoTheNextCall() throws {
    // HDF5's error stack is cleared after each failure, so a later error shows only its own cause.
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      _ = try? file.root.openDataset("first_missing")
      let second = try #require(throws: HDF5Error.self) { try file.root.openGroup("second_missing") }
      #expect(!second.description.contains("first_missing"))
      #expect(second.description.contains("second_missing"))
    }
  }
}
