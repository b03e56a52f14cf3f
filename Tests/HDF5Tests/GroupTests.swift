import HDF5
import Testing

@Suite struct GroupTests {
  @Test func childrenAreListedInCreationOrder() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let root = file.root
        for name in ["zeta", "alpha", "mid"] { _ = try root.createGroup(name) }
        try root.createDataset("beta", values: [Int64(1)])
        #expect(try root.childNames() == ["zeta", "alpha", "mid", "beta"])
        let nested = try root.openGroup("zeta").createGroup("inner")
        #expect(nested.path == "/zeta/inner")
        #expect(nested.name == "inner")
        #expect(try root.openGroup("zeta").childNames() == ["inner"])
      }
      expectOnlyFileOpen(file)
    }
  }

  @Test func containsAndKindFollowPaths() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      do {
        let root = file.root
        let a = try root.createGroup("a")
        _ = try a.createGroup("b")
        try a.createDataset("d", values: [Float(0)])
        #expect(try root.contains("a"))
        #expect(try root.contains("a/b"))
        #expect(try root.contains("/a/d"))
        #expect(try a.contains("b"))
        #expect(try !root.contains("b"))
        #expect(try !root.contains("missing/b"))
        #expect(try !root.contains("a/d/x"))  // through a dataset
        #expect(try !root.contains(""))
        #expect(try root.kind(of: "a") == .group)
        #expect(try root.kind(of: "a/d") == .dataset)
        let opened = try root.openGroup("/a/b")
        #expect(opened.path == "/a/b")
      }
      expectOnlyFileOpen(file)
    }
  }
}
