import Foundation
import HDF5
import Testing

/// Files checked by independent readers (h5py, xarray with h5netcdf) and files written by h5py
/// read here. Needs Debian's /usr/bin/python3 with h5py, numpy, xarray and h5netcdf.
@Suite struct OracleTests {
  // MARK: What the scripts print

  struct H5pyDump: Decodable {
    struct Attribute: Decodable {
      var dtype: String
      var shape: [Int]?
      var values: [String]
      var variableUTF8: Bool
    }
    struct Object: Decodable {
      var kind: String
      var attrs: [String: Attribute]
      var children: [String]?
      var linkOrder: Int?
      var dtype: String?
      var shape: [Int]?
      var maxshape: [Int?]?
      var chunks: [Int]?
      var compression: String?
      var compressionOpts: Int?
      var shuffle: Bool?
      var values: [String]?
    }
    var rootAttrs: [String: Attribute]
    var rootChildren: [String]
    var objects: [String: Object]
    var rootLinkOrder: Int
    var rootAttrOrder: Int
  }

  struct XarrayDump: Decodable {
    struct Variable: Decodable {
      var dims: [String]
      var isCoordinate: Bool
      var values: [String]
      var attrs: [String: String]
    }
    var sizes: [String: Int]
    var unlimited: [String]
    var attrs: [String: String]
    var variables: [String: Variable]
  }

  /// Python's printed numbers and strings equal `values` exactly.
  private func matches<T: HDF5Element>(_ texts: [String]?, _ values: [T]) -> Bool {
    guard let texts, texts.count == values.count else { return false }
    return zip(texts, values).allSatisfy { text, value in
      switch value {
      case let value as Float: pythonNumber(text, equals: Double(value))
      case let value as Double: pythonNumber(text, equals: value)
      default: text == "\(value)"
      }
    }
  }

  // MARK: h5py reads Strata

  private func writeEveryRank<T: HDF5Element>(_ type: T.Type, _ value: (Int) -> T, in file: HDF5File) throws {
    let group = try file.root.createGroup("\(T.self)")
    for shape in shapesOfEveryRank {
      try group.createDataset("rank\(shape.count)", values: (0..<shape.reduce(1, *)).map(value), shape: shape)
    }
  }

  private func expectEveryRank<T: HDF5Element>(
    _ type: T.Type, _ value: (Int) -> T, dtype: String, in dump: H5pyDump
  ) {
    for shape in shapesOfEveryRank {
      let path = "/\(T.self)/rank\(shape.count)"
      guard let object = dump.objects[path] else {
        Issue.record("h5py does not see \(path)")
        continue
      }
      #expect(object.dtype == dtype, "\(path)")
      #expect(object.shape == shape, "\(path)")
      #expect(matches(object.values, (0..<shape.reduce(1, *)).map(value)), "\(path): \(object.values ?? [])")
    }
  }

  @Test func h5pyReadsWhatStrataWrites() throws {
    try withScratchDirectory { directory in
      let path = directory + "/strata.h5"
      do {
        let file = try HDF5File.create(path)
        try file.attributes.write("title", "Strata ✓")
        try file.attributes.write("seed", Int64(1993))
        try file.attributes.write("scales", [Float(0.1), 2])
        try file.attributes.write("blocks", ["stem", "stage1.block1"])
        try writeEveryRank(Float.self, Sample.float, in: file)
        try writeEveryRank(Double.self, Sample.double, in: file)
        try writeEveryRank(Int32.self, Sample.int32, in: file)
        try writeEveryRank(Int64.self, Sample.int64, in: file)
        try writeEveryRank(UInt8.self, Sample.uint8, in: file)
        try writeEveryRank(String.self, Sample.string, in: file)
        let rows = try file.root.createDataset(
          "rows", of: Double.self, shape: [0, 3], layout: .chunked(chunk: [1, 3], extendable: true))
        try rows.append([1, 2, 3.5])
        try rows.append([4, 5, 6, 7, 8, 9.25])
        try rows.attributes.write("units", "1")
        let order = try file.root.createGroup("order")
        for name in ["z", "a", "m"] { _ = try order.createGroup(name) }
        try file.close()
      }
      let dump = try Oracle.json(H5pyDump.self, "read_h5py.py", [path])

      #expect(dump.rootChildren.sorted() == ["Double", "Float", "Int32", "Int64", "String", "UInt8", "order", "rows"])
      // Creation order tracked (1) and indexed (2) on the root and on groups, as netCDF-4 wants.
      #expect(dump.rootLinkOrder == 3)
      #expect(dump.rootAttrOrder == 3)
      #expect(dump.objects["/order"]?.linkOrder == 3)
      #expect(dump.objects["/order"]?.children == ["z", "a", "m"])
      #expect(dump.rootAttrs["title"]?.values == ["Strata ✓"])
      #expect(dump.rootAttrs["title"]?.shape == [])
      #expect(dump.rootAttrs["title"]?.variableUTF8 == true)
      #expect(dump.rootAttrs["seed"]?.dtype == "int64")
      #expect(dump.rootAttrs["seed"]?.values == ["1993"])
      #expect(dump.rootAttrs["scales"]?.dtype == "float32")
      #expect(matches(dump.rootAttrs["scales"]?.values, [Float(0.1), 2]))
      #expect(dump.rootAttrs["blocks"]?.shape == [2])
      #expect(dump.rootAttrs["blocks"]?.values == ["stem", "stage1.block1"])
      #expect(dump.rootAttrs["blocks"]?.variableUTF8 == true)

      expectEveryRank(Float.self, Sample.float, dtype: "<f4", in: dump)
      expectEveryRank(Double.self, Sample.double, dtype: "<f8", in: dump)
      expectEveryRank(Int32.self, Sample.int32, dtype: "<i4", in: dump)
      expectEveryRank(Int64.self, Sample.int64, dtype: "<i8", in: dump)
      expectEveryRank(UInt8.self, Sample.uint8, dtype: "|u1", in: dump)
      expectEveryRank(String.self, Sample.string, dtype: "str", in: dump)

      let rows = try #require(dump.objects["/rows"])
      #expect(rows.shape == [3, 3])
      #expect(rows.maxshape == [nil, 3])
      #expect(rows.chunks == [1, 3])
      #expect(rows.compression == "gzip")
      #expect(rows.compressionOpts == 4)
      #expect(rows.shuffle == false)
      #expect(matches(rows.values, [1, 2, 3.5, 4, 5, 6, 7, 8, 9.25]))
      #expect(rows.attrs["units"]?.values == ["1"])
    }
  }

  // MARK: xarray reads Strata

  @Test func xarrayOpensStrataFilesWithNamedDimensions() throws {
    try withScratchDirectory { directory in
      let path = directory + "/probes.h5"
      let blocks = ["stem", "stage1.block1", "stage1.block2", "head"]
      do {
        let file = try HDF5File.create(path)
        try file.attributes.write("strata_version", "0.1.0")
        let root = file.root
        try root.createCoordinate("task", values: [Int32](), extendable: true)
        try root.createCoordinate("epoch", values: [Int32(1), 2])
        try root.createCoordinate("block", values: blocks)
        let shift = try root.createVariable("param_shift", of: Float.self, dimensions: ["task", "block"])
        try shift.attributes.write("long_name", "relative parameter shift")
        try shift.attributes.write("units", "1")
        try shift.attributes.write("description", "‖θ(t) − θ(t−1)‖ / ‖θ(t−1)‖")
        let grad = try root.createVariable("grad_norm", of: Double.self, dimensions: ["task", "epoch", "block"])
        let accuracy = try root.createVariable("final_accuracy", dimensions: ["block"],
                                               values: [0.5, 0.25, 0.125, 1.0])
        try accuracy.attributes.write("units", "1")
        for task in 1...2 {
          try root.openDataset("task").append([Int32(task)])
          try shift.append(blocks.indices.map { Float(task) + Float($0) / 10 })
          try grad.append((0..<8).map { Double(task * 100 + $0) })
        }
        try file.close()
      }
      let dump = try Oracle.json(XarrayDump.self, "read_xarray.py", [path])

      #expect(dump.sizes == ["task": 2, "epoch": 2, "block": 4])
      #expect(dump.unlimited == ["task"])
      #expect(dump.attrs["strata_version"] == "0.1.0")
      let block = try #require(dump.variables["block"])
      #expect(block.isCoordinate)
      #expect(block.values == blocks)
      #expect(dump.variables["task"]?.values == ["1", "2"])
      #expect(dump.variables["epoch"]?.values == ["1", "2"])

      let shift = try #require(dump.variables["param_shift"])
      #expect(shift.dims == ["task", "block"])
      #expect(!shift.isCoordinate)
      #expect(shift.attrs["long_name"] == "relative parameter shift")
      #expect(shift.attrs["description"] == "‖θ(t) − θ(t−1)‖ / ‖θ(t−1)‖")
      let expectedShift: [Float] = [1, 2].flatMap { task in (0..<4).map { Float(task) + Float($0) / 10 } }
      #expect(matches(shift.values, expectedShift))
      let grad = try #require(dump.variables["grad_norm"])
      #expect(grad.dims == ["task", "epoch", "block"])
      let expectedGrad: [Double] = [100, 200].flatMap { task in (0..<8).map { Double(task + $0) } }
      #expect(matches(grad.values, expectedGrad))
      #expect(dump.variables["final_accuracy"]?.dims == ["block"])
      #expect(matches(dump.variables["final_accuracy"]?.values, [0.5, 0.25, 0.125, 1.0]))
      #expect(Set(dump.variables.keys) == ["task", "epoch", "block", "param_shift", "grad_norm", "final_accuracy"])
    }
  }

  // MARK: Strata reads h5py

  @Test func strataReadsWhatH5pyWrites() throws {
    try withScratchDirectory { directory in
      let path = directory + "/h5py.h5"
      _ = try Oracle.run("write_h5py.py", [path])
      let file = try HDF5File.open(path)
      do {
        let root = file.root
        // Without creation order tracking, h5py's groups list by name.
        #expect(try root.childNames() == [
          "big_endian", "fixed", "float32_2d", "float64_1d", "g", "int16", "int32_3d",
          "int64_scalar", "names", "ordered", "uint8_1d",
        ])
        #expect(try root.openGroup("ordered").childNames() == ["z", "a", "m"])
        #expect(try file.attributes.read("title", as: String.self) == "written by h5py")
        #expect(try file.attributes.read("version", as: Int32.self) == 3)
        #expect(try file.attributes.readArray("scales", as: Double.self) == [0.5, 1.5])

        let float32 = try root.openDataset("float32_2d")
        #expect(try float32.shape() == [3, 4])
        #expect(try float32.read(Float.self, rank: 2) == (0..<12).map { Float($0) / 4 })
        #expect(try root.openDataset("float64_1d").read(Double.self) == [-1, -0.5, 0, 0.5, 1])
        #expect(try root.openDataset("int32_3d").read(Int32.self, rank: 3) == (0..<24).map { Int32($0) - 12 })
        #expect(try root.openDataset("int64_scalar").readScalar(Int64.self) == -9_007_199_254_740_993)
        #expect(try root.openDataset("uint8_1d").read(UInt8.self) == [0, 1, 127, 255])
        #expect(try root.openDataset("big_endian").read(Double.self) == [0, 1.5, 3, 4.5])
        #expect(try root.openDataset("names").read(String.self) == ["stem", "stage1.block1", "ünï"])
        #expect(try root.openDataset("fixed").read(String.self) == ["ab", "cde"])

        let values = try root.openDataset("g/values")
        #expect(try values.read(Double.self, offset: [7], count: [3]) == [7, 8, 9])
        #expect(try values.attributes.read("units", as: String.self) == "m")
        #expect(try values.storageInfo() == HDF5StorageInfo(layout: .chunked, chunk: [5],
                                                            filters: [.deflate(level: 4)]))

        let int16 = try root.openDataset("int16")
        #expect(try int16.elementType() == nil)
        let error = try #require(throws: HDF5Error.self) { try int16.read(Int32.self) }
        #expect(error.kind == .typeMismatch)
        #expect(error.description.contains("16-bit signed integer"))
        #expect(error.description.contains("'/int16'"))
      }
      expectOnlyFileOpen(file)
    }
  }
}
