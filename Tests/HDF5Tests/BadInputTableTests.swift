import Foundation
import HDF5
import Testing

/// More wrong files and requests (issue 11), table-driven: each throws the `HDF5Error` kind that
/// says what is wrong, naming the file and the object (and attribute) it concerns.
@Suite struct BadInputTableTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let label: String
    let kind: HDF5Error.Kind
    /// The object the error names, and the attribute if any.
    let object: String
    var attribute: String? = nil
    /// A fragment of the message (what is wrong).
    let mentions: String
    /// Makes its file in the scratch directory and does what must fail; returns the file's path.
    let run: @Sendable (String, inout String) throws -> Void
    var testDescription: String { label }
  }

  /// A file `a.h5` with a float matrix `/probes/cka` (2×3), an extendable-less vector `/x`, a
  /// group `/g` with a string attribute `units` and an array attribute `sizes`, a string vector
  /// `/names` and a scalar `/n`.
  static func sample(_ directory: String) throws -> HDF5File {
    let file = try HDF5File.create(directory + "/a.h5")
    try file.root.createGroup("probes").createDataset(
      "cka", values: [Float](repeating: 0.5, count: 6), shape: [2, 3])
    try file.root.createDataset("x", values: [1.0, 2.0, 3.0])
    let group = try file.root.createGroup("g")
    try group.attributes.write("units", "1")
    try group.attributes.write("sizes", [Int32(2), 3])
    try file.root.createDataset("names", values: ["stem", "head"])
    try file.root.createDataset("n", values: [Int64(4)], shape: [])
    return file
  }

  static let cases: [Case] = [
    Case(label: "a folder opened as a file", kind: .library, object: "/",
         mentions: "unable to open file") { directory, path in
      path = directory + "/folder.h5"
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
      _ = try HDF5File.open(path)
    },
    Case(label: "superblock overwritten after the signature", kind: .library, object: "/",
         mentions: "superblock") { directory, path in
      let file = try sample(directory)
      path = file.path
      try file.close()
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      for i in 8..<96 { bytes[i] = 0xA5 }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      _ = try HDF5File.open(path)
    },
    Case(label: "a compressed chunk overwritten", kind: .library, object: "/x",
         mentions: "filter") { directory, path in
      path = directory + "/chunked.h5"
      do {
        let file = try HDF5File.create(path)
        try file.root.createDataset("x", values: (0..<4000).map { Double($0 % 97) }, shape: [4000],
                                    layout: .chunked(chunk: [4000], deflate: 4, extendable: false))
        try file.close()
      }
      let where_ = String(decoding: try Oracle.run("chunk_offset.py", [path, "x"]), as: UTF8.self)
        .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      for i in (where_[0] + where_[1] / 3)..<(where_[0] + where_[1] / 2) { bytes[i] = 0xFF }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      _ = try HDF5File.open(path).root.openDataset("x").read(Double.self)
    },
    Case(label: "a hyperslab beyond the shape", kind: .shapeMismatch, object: "/probes/cka",
         mentions: "hyperslab at [1, 2] of [1, 2] exceeds shape [2, 3]") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openDataset("probes/cka").read(Float.self, offset: [1, 2], count: [1, 2])
    },
    Case(label: "an attribute of another type", kind: .typeMismatch, object: "/g",
         attribute: "units", mentions: "stored type is variable-length string") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openGroup("g").attributes.read("units", as: Double.self)
    },
    Case(label: "an array attribute read as one value", kind: .shapeMismatch, object: "/g",
         attribute: "sizes", mentions: "stored shape is [2], read as a single value") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openGroup("g").attributes.read("sizes", as: Int32.self)
    },
    Case(label: "a group opened as a dataset", kind: .library, object: "/g",
         mentions: "H5Dopen") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openDataset("g")
    },
    Case(label: "an append to a fixed-size dataset", kind: .shapeMismatch, object: "/x",
         mentions: "first axis is not unlimited") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openDataset("x").append([4.0])
    },
    Case(label: "strings read as numbers", kind: .typeMismatch, object: "/names",
         mentions: "read as 64-bit float") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openDataset("names").read(Double.self)
    },
    Case(label: "a scalar read as a vector", kind: .rankMismatch, object: "/n",
         mentions: "stored rank is 0, read as rank 1") { directory, path in
      let file = try sample(directory)
      path = file.path
      _ = try file.root.openDataset("n").read(Int64.self, rank: 1)
    },
    Case(label: "a dataset read after its file closed", kind: .fileClosed, object: "/x",
         mentions: "closed") { directory, path in
      let file = try sample(directory)
      path = file.path
      let x = try file.root.openDataset("x")
      try file.close()
      _ = try x.read(Double.self)
    },
  ]

  @Test(arguments: cases)
  func badFileOrRequest(_ c: Case) throws {
    try withScratchDirectory { directory in
      var path = ""
      let error = try #require(throws: HDF5Error.self) { try c.run(directory, &path) }
      print("BADINPUT \(c.label): \(error)")
      #expect(error.kind == c.kind, "\(error)")
      #expect(error.file == path, "\(error)")
      #expect(error.object == c.object, "\(error)")
      #expect(error.attribute == c.attribute, "\(error)")
      #expect(error.description.contains("in file '\(path)'"), "\(error)")
      #expect(error.description.contains(c.mentions), "\(error) lacks \(c.mentions)")
    }
  }
}
