import HDF5
import Testing

@Suite struct AttributeTests {
  /// Writes scalars, strings and arrays of every element type on `attributes`, reads them back.
  private func checkEveryKind(_ attributes: HDF5Attributes) throws {
    try attributes.write("float", Float(1.25))
    try attributes.write("double", -2.5e-300)
    try attributes.write("int32", Int32.min)
    try attributes.write("int64", Int64.max)
    try attributes.write("uint8", UInt8(200))
    try attributes.write("units", "m/s²")
    try attributes.write("floats", [Float(1), 2, 3])
    try attributes.write("doubles", [0.5, -0.25])
    try attributes.write("int32s", [Int32(-1), 0, 1])
    try attributes.write("int64s", [Int64(1) << 40])
    try attributes.write("uint8s", [UInt8(0), 255])
    try attributes.write("strings", ["stem", "stage1.block1", ""])
    try attributes.write("empty", [Double]())

    #expect(try attributes.read("float", as: Float.self) == 1.25)
    #expect(try attributes.read("double", as: Double.self) == -2.5e-300)
    #expect(try attributes.read("int32", as: Int32.self) == .min)
    #expect(try attributes.read("int64", as: Int64.self) == .max)
    #expect(try attributes.read("uint8", as: UInt8.self) == 200)
    #expect(try attributes.read("units", as: String.self) == "m/s²")
    #expect(try attributes.readArray("floats", as: Float.self) == [1, 2, 3])
    #expect(try attributes.readArray("doubles", as: Double.self) == [0.5, -0.25])
    #expect(try attributes.readArray("int32s", as: Int32.self) == [-1, 0, 1])
    #expect(try attributes.readArray("int64s", as: Int64.self) == [1 << 40])
    #expect(try attributes.readArray("uint8s", as: UInt8.self) == [0, 255])
    #expect(try attributes.readArray("strings", as: String.self) == ["stem", "stage1.block1", ""])
    #expect(try attributes.readArray("empty", as: Double.self) == [])
    // A scalar reads as a one-element array; an array is not a single value.
    #expect(try attributes.readArray("units", as: String.self) == ["m/s²"])
    let error = try #require(throws: HDF5Error.self) { try attributes.read("floats", as: Float.self) }
    #expect(error.kind == .shapeMismatch)
    #expect(error.attribute == "floats")

    #expect(try attributes.names() == [
      "float", "double", "int32", "int64", "uint8", "units", "floats", "doubles", "int32s",
      "int64s", "uint8s", "strings", "empty",
    ])
  }

  @Test func everyKindOnFileGroupAndDataset() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        try checkEveryKind(file.attributes)
        try checkEveryKind(try file.root.createGroup("g").attributes)
        try checkEveryKind(try file.root.createDataset("d", values: [Float(0)]).attributes)
        expectOnlyFileOpen(file)
        // Close explicitly: the reopen below must not depend on when ARC releases it.
        try file.close()
      }
      let file = try HDF5File.open(path)
      #expect(try file.attributes.read("units", as: String.self) == "m/s²")
      #expect(try file.root.openGroup("g").attributes.readArray("uint8s", as: UInt8.self) == [0, 255])
      #expect(try file.root.openDataset("d").attributes.read("int64", as: Int64.self) == .max)
      expectOnlyFileOpen(file)
    }
  }

  @Test func writingReplacesAndRemoveDeletes() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let attributes = try file.root.createDataset("d", values: [1.0]).attributes
        try attributes.write("long_name", "first")
        try attributes.write("units", "1")
        try attributes.write("long_name", Int32(2))
        #expect(try attributes.read("long_name", as: Int32.self) == 2)
        #expect(try attributes.contains("units"))
        try attributes.remove("units")
        #expect(try !attributes.contains("units"))
        #expect(try attributes.names() == ["long_name"])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func manyAttributesKeepCreationOrder() throws {
    // More than 8 attributes moves them to dense storage, where the creation-order index lives.
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let dataset = try file.root.createDataset("d", values: [1.0])
        let names = (0..<20).map { "attribute\(19 - $0)" }
        for (index, name) in names.enumerated() { try dataset.attributes.write(name, Int32(index)) }
        try dataset.attributes.write("attribute5", "replaced")
        #expect(try dataset.attributes.names() == names.filter { $0 != "attribute5" } + ["attribute5"])
        #expect(try dataset.attributes.read("attribute19", as: Int32.self) == 0)
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func readingTheWrongTypeNamesTheAttribute() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let group = try file.root.createGroup("g")
        try group.attributes.write("scale", 0.5)
        let error = try #require(throws: HDF5Error.self) { try group.attributes.read("scale", as: Float.self) }
        #expect(error.kind == .typeMismatch)
        #expect(error.description.contains("'/g' attribute 'scale'"))
        #expect(error.description.contains("64-bit float"))
      }
      expectOnlyFileOpen(file)
    }
  }
}
