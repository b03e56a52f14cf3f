import CIL
import Foundation
import Testing
@testable import Pipeline

/// A spec's own verification grid (`verify_seeds`, `verify_budgets`) for `strata run`.
@Suite struct VerificationDefaultsTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The quickstart verifies with two seeds at two budgets, one below DER's footprint, and a
  /// run of it accepts the keys without a warning.
  @Test func theQuickstartsGrid() throws {
    let spec = Self.repository.appendingPathComponent("analyses/quickstart-fashion-mnist.json").path
    let defaults = try VerificationDefaults.read(spec)
    #expect(defaults.seeds == [1993, 1994])
    #expect(defaults.budgets == [.bytes(3_000_000), .der(exemplars: 200)])
    #expect(try RunSpec.load(spec).warnings.isEmpty)
  }

  @Test func badValuesNameTheFileAndKey() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-defaults-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (json, key) in [(#"{"verify_seeds": [1, "x"]}"#, "verify_seeds"),
                        (#"{"verify_seeds": []}"#, "verify_seeds"),
                        (#"{"verify_budgets": ["lots"]}"#, "verify_budgets")] {
      let path = directory.appendingPathComponent("spec.json").path
      try json.write(toFile: path, atomically: true, encoding: .utf8)
      let error = try #require(throws: RunSpecError.self) { try VerificationDefaults.read(path) }
      #expect(error.file == path && error.key == key, "\(error)")
    }
    let none = directory.appendingPathComponent("none.json").path
    try #"{"seed": 3}"#.write(toFile: none, atomically: true, encoding: .utf8)
    #expect(try VerificationDefaults.read(none) == VerificationDefaults())
  }
}
