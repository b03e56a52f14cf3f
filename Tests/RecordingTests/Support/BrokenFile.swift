import Foundation
import Testing
@testable import Recording

/// One way a Strata HDF5 file can be broken (issue 11), and what the reader's error must say.
struct BrokenFile: Sendable, CustomTestStringConvertible {
  enum Damage: Sendable {
    /// Oracles/break_h5.py operations, as a person editing the file with h5py.
    case h5py([String])
    /// The file's bytes changed.
    case bytes(@Sendable ([UInt8]) -> [UInt8])
    /// A folder where the file should be.
    case folder
    /// No file at all.
    case missing
    /// A good file of another kind (the reader's `other`).
    case otherKind
  }

  let label: String
  let damage: Damage
  /// Fragments the message must contain after the path: the object, attribute or variable at
  /// fault and what is wrong.
  let mentions: [String]

  init(_ label: String, _ damage: Damage, _ mentions: [String]) {
    self.label = label
    self.damage = damage
    self.mentions = mentions
  }

  var testDescription: String { label }

  /// The damages every Strata file shares, each with what the message says about it.
  static func wholeFile(missing: String, notHDF5: String) -> [BrokenFile] {
    [
      BrokenFile("zero bytes", .bytes { _ in [] }, [notHDF5, "signature"]),
      BrokenFile("cut in half", .bytes { Array($0.prefix($0.count / 2)) }, [notHDF5, "truncated"]),
      BrokenFile("text", .bytes { _ in Array(String(repeating: "not HDF5\n", count: 200).utf8) },
                 [notHDF5, "signature"]),
      BrokenFile("superblock overwritten", .bytes { bytes in
        // The signature stays; the version, sizes and addresses after it are garbage.
        var broken = bytes
        for i in 8..<min(96, broken.count) { broken[i] = 0xA5 }
        return broken
      }, [notHDF5]),
      BrokenFile("a folder", .folder, []),
      BrokenFile("missing", .missing, [missing]),
    ]
  }

  /// Writes a good file with `make` into a fresh folder, breaks it, reads it with `read` and
  /// checks the `RecordingError`: it names the file and says `mentions`. `other` writes a good
  /// file of another kind to the path it is given.
  func check(make: (String) throws -> Void, other: (String) throws -> Void,
             read: (String) throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let directory = try ProbeFileTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/file.h5"
    switch damage {
    case .h5py(let operations):
      try make(path)
      try Oracles.run("break_h5.py", [path] + operations)
    case .bytes(let change):
      try make(path)
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      try Data(change(bytes)).write(to: URL(fileURLWithPath: path))
    case .folder:
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    case .missing:
      break
    case .otherKind:
      try other(path)
    }
    let error = try #require(throws: RecordingError.self, sourceLocation: sourceLocation) {
      try read(path)
    }
    print("BADINPUT \(label): \(error)")
    #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path + ": "), "\(error)", sourceLocation: sourceLocation)
    for fragment in mentions {
      #expect(error.message.contains(fragment), "\(error) lacks \(fragment)",
              sourceLocation: sourceLocation)
    }
  }
}
