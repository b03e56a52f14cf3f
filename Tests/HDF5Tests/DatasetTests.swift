import HDF5
import Testing

@Suite struct DatasetTests {
  /// Writes one dataset per rank of `T`, then reads them back from the reopened file.
  private func roundTrip<T: HDF5Element & Equatable>(
    _ type: T.Type, _ value: (Int) -> T, directory: String
  ) throws {
    let path = directory + "/\(T.self).h5"
    do {
      let file = try HDF5File.create(path)
      for shape in shapesOfEveryRank {
        try file.root.createDataset("rank\(shape.count)", values: (0..<shape.reduce(1, *)).map(value),
                                    shape: shape)
      }
      try file.close()
    }
    let file = try HDF5File.open(path)
    do {
      for shape in shapesOfEveryRank {
        let dataset = try file.root.openDataset("rank\(shape.count)")
        #expect(try dataset.shape() == shape)
        #expect(try dataset.maxShape() == shape.map { Optional($0) })
        #expect(try dataset.elementType() == T.hdf5Type)
        #expect(try dataset.read(T.self, rank: shape.count) == (0..<shape.reduce(1, *)).map(value),
                "\(T.self) rank \(shape.count)")
      }
      #expect(try file.root.openDataset("rank0").readScalar(T.self) == value(0))
    }
    expectOnlyFileOpen(file)
  }

  @Test func everyElementTypeRoundTripsAtRanksZeroToFive() throws {
    try withScratchDirectory { directory in
      try roundTrip(Float.self, Sample.float, directory: directory)
      try roundTrip(Double.self, Sample.double, directory: directory)
      try roundTrip(Int32.self, Sample.int32, directory: directory)
      try roundTrip(Int64.self, Sample.int64, directory: directory)
      try roundTrip(UInt8.self, Sample.uint8, directory: directory)
      try roundTrip(String.self, Sample.string, directory: directory)
      try roundTrip(Int.self, { $0 * -7 }, directory: directory)
    }
  }

  @Test func nanAndInfinitySurvive() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      let values: [Float] = [.nan, .infinity, -.infinity, -0.0]
      let read = try file.root.createDataset("x", values: values).read(Float.self)
      #expect(read.map(\.bitPattern) == values.map(\.bitPattern))
    }
  }

  @Test func unwrittenElementsReadAsZeroAndEmptyString() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        #expect(try file.root.createDataset("f", of: Double.self, shape: [2, 2]).read(Double.self) == [0, 0, 0, 0])
        #expect(try file.root.createDataset("s", of: String.self, shape: [2]).read(String.self) == ["", ""])
        #expect(try file.root.createDataset("e", of: Int32.self, shape: [0, 3]).read(Int32.self) == [])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func hyperslabWritesLandWhereAskedAndReadBack() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let grid = try file.root.createDataset("grid", of: Float.self, shape: [4, 5])
        try grid.write([1, 2, 3, 4, 5, 6] as [Float], offset: [1, 2], count: [2, 3])
        var expected = [Float](repeating: 0, count: 20)
        for (k, (row, column)) in [(1, 2), (1, 3), (1, 4), (2, 2), (2, 3), (2, 4)].enumerated() {
          expected[row * 5 + column] = Float(k + 1)
        }
        #expect(try grid.read(Float.self) == expected)
        #expect(try grid.read(Float.self, offset: [1, 3], count: [2, 2]) == [2, 3, 5, 6])
        #expect(try grid.read(Float.self, offset: [3, 0], count: [1, 5]) == [0, 0, 0, 0, 0])
        #expect(try grid.read(Float.self, offset: [0, 0], count: [0, 5]) == [])

        let cube = try file.root.createDataset("cube", values: (0..<24).map(Int64.init), shape: [2, 3, 4])
        #expect(try cube.read(Int64.self, offset: [1, 1, 1], count: [1, 2, 2]) == [17, 18, 21, 22])

        let names = try file.root.createDataset("names", of: String.self, shape: [2, 3])
        try names.write(["stem", "stage1.block1"], offset: [1, 1], count: [1, 2])
        #expect(try names.read(String.self) == ["", "", "", "", "stem", "stage1.block1"])
        #expect(try names.read(String.self, offset: [1, 2], count: [1, 1]) == ["stage1.block1"])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func hyperslabsOutsideTheShapeOrOfAnotherRankAreRefused() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let grid = try file.root.createGroup("g").createDataset("grid", of: Double.self, shape: [4, 5])
        let outside = try #require(throws: HDF5Error.self) {
          try grid.read(Double.self, offset: [3, 0], count: [2, 1])
        }
        #expect(outside.kind == .shapeMismatch)
        #expect(outside.object == "/g/grid")
        #expect(outside.description.contains("[4, 5]"))
        let rank = try #require(throws: HDF5Error.self) {
          try grid.write([1.0], offset: [0, 0, 0], count: [1, 1, 1])
        }
        #expect(rank.kind == .rankMismatch)
        #expect(rank.description.contains("/g/grid"))
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func writingTheWrongElementTypeIsRefused() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let dataset = try file.root.createDataset("d", of: Double.self, shape: [2])
        let error = try #require(throws: HDF5Error.self) { try dataset.write([Float(1), 2]) }
        #expect(error.kind == .typeMismatch)
        #expect(error.description.contains("/d"))
        #expect(error.description.contains("64-bit float"))
      }
      expectOnlyFileOpen(file)
    }
  }
}
