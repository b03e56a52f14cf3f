import Foundation
import HDF5
import Testing

@Suite struct ChunkedDatasetTests {
  @Test func appendExtendsTheUnlimitedAxisAndStoresChunkedDeflate() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        let rows = try file.root.createDataset(
          "rows", of: Float.self, shape: [0, 3], layout: .chunked(chunk: [1, 3], deflate: 6, extendable: true))
        #expect(try rows.append([1, 2, 3] as [Float]) == 1)
        #expect(try rows.append([4, 5, 6, 7, 8, 9] as [Float]) == 3)
        #expect(try rows.append([Float]()) == 3)
        try file.close()
      }
      let file = try HDF5File.open(path)
      do {
        let rows = try file.root.openDataset("rows")
        #expect(try rows.shape() == [3, 3])
        #expect(try rows.maxShape() == [nil, 3])
        #expect(try rows.read(Float.self, rank: 2) == (1...9).map(Float.init))
        #expect(try rows.storageInfo() == HDF5StorageInfo(layout: .chunked, chunk: [1, 3],
                                                          filters: [.deflate(level: 6)]))
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func stringsAndHigherRanksAppend() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let names = try file.root.createDataset(
          "names", values: ["stem"], layout: .chunked(chunk: [4], extendable: true))
        try names.append(["stage1.block1", "stage1.block2"])
        #expect(try names.read(String.self) == ["stem", "stage1.block1", "stage1.block2"])

        let cube = try file.root.createDataset(
          "cube", of: Int32.self, shape: [1, 2, 2], layout: .chunked(chunk: [1, 2, 2], extendable: true))
        try cube.append((1...8).map(Int32.init))
        #expect(try cube.shape() == [3, 2, 2])
        #expect(try cube.read(Int32.self, offset: [1, 0, 0], count: [2, 2, 2]) == (1...8).map(Int32.init))
        #expect(try cube.storageInfo().filters == [.deflate(level: 4)])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func deflateCompresses() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      let zeros = [Double](repeating: 0, count: 100_000)
      do {
        let file = try HDF5File.create(path)
        try file.root.createDataset("zeros", values: zeros, shape: [100, 1000],
                                    layout: .chunked(chunk: [10, 1000]))
        try file.close()
      }
      let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
      #expect(size < zeros.count * 8 / 20, "file of \(size) bytes for 800 kB of zeros")
    }
  }

  @Test func contiguousDatasetsHaveNoFilters() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      let info = try file.root.createDataset("x", values: [1.0, 2.0]).storageInfo()
      #expect(info == HDF5StorageInfo(layout: .contiguous, chunk: nil, filters: []))
    }
  }

  @Test func appendIsRefusedForFixedAxesAndWrongTypesWithoutGrowing() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let fixed = try file.root.createDataset("fixed", values: [1.0, 2.0],
                                                layout: .chunked(chunk: [2], extendable: false))
        let notUnlimited = try #require(throws: HDF5Error.self) { try fixed.append([3.0]) }
        #expect(notUnlimited.kind == .shapeMismatch)
        #expect(notUnlimited.description.contains("/fixed"))

        let growing = try file.root.createDataset(
          "growing", of: Double.self, shape: [0], layout: .chunked(chunk: [8], extendable: true))
        let wrongType = try #require(throws: HDF5Error.self) { try growing.append([Int32(1)]) }
        #expect(wrongType.kind == .typeMismatch)
        #expect(try growing.shape() == [0])

        let scalar = try file.root.createDataset("scalar", values: [1.0], shape: [])
        #expect(throws: HDF5Error.self) { try scalar.append([2.0]) }
      }
      expectOnlyFileOpen(file)
    }
  }
}
