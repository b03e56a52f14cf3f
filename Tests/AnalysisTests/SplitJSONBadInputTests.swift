import Foundation
import Testing
@testable import Analysis

/// Broken split.json files (issue 11): `strata verify` and `strata report` read them; each
/// refusal is a `SplitError` naming the file and the key path (as the file spells it) or the
/// line and column of broken JSON.
@Suite struct SplitJSONBadInputTests {
  struct BadJSON: Sendable, CustomTestStringConvertible {
    let label: String
    let mentions: [String]
    /// The broken file's bytes from the good one's, or nil for no file; `folder` puts a folder
    /// there instead.
    let damage: @Sendable ([UInt8]) throws -> [UInt8]?
    var folder = false
    var testDescription: String { label }
  }

  /// The good file with `edit` applied to its JSON object.
  static func edited(_ edit: @escaping @Sendable (inout [String: Any]) -> Void)
    -> @Sendable ([UInt8]) throws -> [UInt8]?
  {
    { bytes in
      var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
      edit(&object)
      return [UInt8](try JSONSerialization.data(withJSONObject: object))
    }
  }

  /// `object[key][index][field] = value`.
  static func set(_ object: inout [String: Any], _ key: String, _ index: Int, _ field: String,
                  _ value: Any)
  {
    var rows = object[key] as! [[String: Any]]
    rows[index][field] = value
    object[key] = rows
  }

  static let cases: [BadJSON] = [
    BadJSON(label: "empty file", mentions: ["not valid JSON: line 1, column 1 (end of file)"]) { _ in [] },
    BadJSON(label: "cut in half", mentions: ["not valid JSON: line "]) { Array($0.prefix($0.count / 2)) },
    BadJSON(label: "a probe file instead", mentions: ["not valid JSON: line 1, column 1"]) { _ in
      [0x89] + Array("HDF\r\n".utf8) + [0x1A, 0x0A, 0, 0]
    },
    BadJSON(label: "a list", mentions: ["expected an object"]) { _ in Array("[1, 2]".utf8) },
    BadJSON(label: "no confidence", mentions: ["confidence: missing (required)"],
            damage: edited { $0["confidence"] = nil }),
    BadJSON(label: "a score in words", mentions: ["blocks[2].score: expected a number, found a string"],
            damage: edited { set(&$0, "blocks", 2, "score", "high") }),
    BadJSON(label: "tasks null", mentions: ["tasks: expected a list, found null"],
            damage: edited { $0["tasks"] = NSNull() }),
    BadJSON(label: "fractional model bytes", mentions: ["candidates[1].model_bytes: the number 1.5 does not fit this field"],
            damage: edited { set(&$0, "candidates", 1, "model_bytes", 1.5) }),
    BadJSON(label: "plan roles as text",
            mentions: ["verification_plan.candidates[0].roles: expected a list"],
            damage: edited { json in
              var plan = json["verification_plan"] as! [String: Any]
              set(&plan, "candidates", 0, "roles", "recommended")
              json["verification_plan"] = plan
            }),
    BadJSON(label: "threads as text",
            mentions: ["probe_provenance.threads: expected an integer, found a string"],
            damage: edited { json in
              var provenance = json["probe_provenance"] as! [String: Any]
              provenance["threads"] = "2"
              json["probe_provenance"] = provenance
            }),
    // The report keys its block table by name: a repeated name trapped there.
    BadJSON(label: "a block named twice", mentions: ["blocks[3].block: \"stem\" appears twice"],
            damage: edited { set(&$0, "blocks", 3, "block", "stem") }),
    BadJSON(label: "a recommendation that is no candidate",
            mentions: ["recommended_split: \"stage9.block1\" is none of the candidates' splits"],
            damage: edited { $0["recommended_split"] = "stage9.block1" }),
    BadJSON(label: "a negative bootstrap seed",
            mentions: ["uncertainty.seed: the number -1 does not fit this field"],
            damage: edited { json in
              var uncertainty = json["uncertainty"] as! [String: Any]
              uncertainty["seed"] = -1
              json["uncertainty"] = uncertainty
            }),
    BadJSON(label: "missing", mentions: ["cannot read: no such file"]) { _ in nil },
    BadJSON(label: "a folder", mentions: ["cannot read: a folder, not a file"], damage: { _ in nil },
            folder: true),
  ]

  @Test(arguments: cases)
  func brokenSplitJSON(_ c: BadJSON) throws {
    let probes = try SplitOutputTests.probeFile()
    let directory = URL(fileURLWithPath: probes).deletingLastPathComponent().path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/split.json"
    try SplitOutputTests.analyze(probes).0.writeJSON(to: path)
    let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    try FileManager.default.removeItem(atPath: path)
    if c.folder {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    } else if let bytes = try c.damage(good) {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    let error = try #require(throws: SplitError.self) { try SplitReport.readJSON(path) }
    print("BADINPUT \(c.label): \(error)")
    #expect(error.file == path)
    #expect(error.description.hasPrefix(path + ": "), "\(error)")
    for fragment in c.mentions {
      #expect(error.message.contains(fragment), "\(error) lacks \(fragment)")
    }
  }
}
