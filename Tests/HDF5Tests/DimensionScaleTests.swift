import HDF5
import Testing

@Suite struct DimensionScaleTests {
  @Test func coordinatesBecomeScalesAttachedToEveryAxisOfAVariable() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        let root = file.root
        try root.createCoordinate("task", values: [Int32](), extendable: true)
        try root.createCoordinate("block", values: ["stem", "stage1.block1", "head"])
        let shift = try root.createVariable("param_shift", of: Float.self, dimensions: ["task", "block"])
        #expect(try shift.shape() == [0, 3])
        #expect(try shift.maxShape() == [nil, 3])
        try shift.append([0.1, 0.2, 0.3] as [Float])
        try root.openDataset("task").append([Int32(1)])
        try file.close()
      }
      let file = try HDF5File.open(path)
      do {
        let task = try file.root.openDataset("task")
        let block = try file.root.openDataset("block")
        let shift = try file.root.openDataset("param_shift")
        #expect(try task.isDimensionScale())
        #expect(try block.dimensionScaleName() == "block")
        #expect(try !shift.isDimensionScale())
        #expect(try shift.dimensionScaleName() == nil)
        #expect(try shift.isDimensionScaleAttached(task, toDimension: 0))
        #expect(try !shift.isDimensionScaleAttached(task, toDimension: 1))
        #expect(try shift.dimensionScales(dimension: 1) == [DimensionScale(path: "/block", name: "block")])
        #expect(try shift.dimensionNames() == ["task", "block"])
        #expect(try shift.read(Float.self, rank: 2) == [0.1, 0.2, 0.3])
        #expect(try shift.storageInfo().filters == [.deflate(level: 4)])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func variablesWithValuesAndScalesInSubgroups() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let group = try file.root.createGroup("split")
        try group.createCoordinate("candidate", values: [Int32(1), 2])
        try group.createCoordinate("block_a", values: ["stem", "head"])
        let scores = try group.createVariable("score", dimensions: ["candidate", "block_a"],
                                              values: [1.0, 2.0, 3.0, 4.0])
        #expect(try scores.dimensionScales(dimension: 0) == [
          DimensionScale(path: "/split/candidate", name: "candidate"),
        ])
        #expect(try scores.read(Double.self, offset: [1, 0], count: [1, 2]) == [3, 4])
        #expect(try scores.maxShape() == [2, 2])
        let constant = try group.createVariable("seed", dimensions: [], values: [Int64(1993)])
        #expect(try constant.readScalar(Int64.self) == 1993)
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func theLowLevelCallsWorkOnPlainDatasets() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let x = try file.root.createDataset("x_values", values: [0.0, 0.5, 1.0])
        try x.makeDimensionScale(name: "x")
        let y = try file.root.createDataset("y", values: [Int64(10), 20])
        try y.makeDimensionScale()
        let grid = try file.root.createDataset("grid", of: Float.self, shape: [2, 3])
        try grid.attachDimensionScale(y, toDimension: 0)
        try grid.attachDimensionScale(x, toDimension: 1)
        #expect(try grid.dimensionNames() == ["y", "x"])
        #expect(try x.dimensionScaleName() == "x")
        // Attaching to an axis that does not exist is HDF5's error, named.
        let error = try #require(throws: HDF5Error.self) { try grid.attachDimensionScale(x, toDimension: 5) }
        #expect(error.call == "H5DSattach_scale")
        #expect(error.object == "/grid")
      }
      expectOnlyFileOpen(file)
    }
  }
}
