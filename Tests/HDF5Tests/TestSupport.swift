import Foundation
import HDF5
import Testing

/// A fresh directory for one test, removed afterwards, so parallel tests never share a file.
func withScratchDirectory<R>(_ body: (String) throws -> R) throws -> R {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("strata-hdf5-tests-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: directory) }
  return try body(directory)
}

/// After every group, dataset and attribute set from `file` is released, only the file itself
/// is open. Counted on this file's identifier only: other suites run in parallel.
func expectOnlyFileOpen(_ file: HDF5File, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(throws: Never.self, sourceLocation: sourceLocation) {
    let count = try file.openObjectCount()
    #expect(count == 1, "\(count - 1) objects still open in \(file.path)", sourceLocation: sourceLocation)
  }
}

/// Shapes of rank 0 through 5 used by the round-trip tests.
let shapesOfEveryRank: [[Int]] = [[], [3], [2, 3], [2, 3, 4], [2, 1, 3, 2], [1, 2, 1, 2, 2]]

/// Deterministic values with edge cases for each element type.
enum Sample {
  static func float(_ i: Int) -> Float { i == 1 ? .greatestFiniteMagnitude : Float(i) * 0.37 - 2.5 }
  static func double(_ i: Int) -> Double { i == 1 ? -.leastNonzeroMagnitude : Double(i) / 3 - 7 }
  static func int32(_ i: Int) -> Int32 { i == 1 ? .min : Int32(i * 1_000_003 - 17) }
  static func int64(_ i: Int) -> Int64 { i == 1 ? .max : Int64(i) * 3_000_000_000 - 5 }
  static func uint8(_ i: Int) -> UInt8 { i == 1 ? 255 : UInt8(i % 200) }
  static func string(_ i: Int) -> String {
    ["stem", "", "stage1.block1", "ünïcödé ✓", "head"][i % 5] + (i >= 5 ? "#\(i)" : "")
  }
}
