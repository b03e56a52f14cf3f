import Foundation
import Probes
import StrataTestSupport
import Testing
@testable import Recording

@Suite struct ProbeFileTests {
  static let blocks = ["stem", "stage1.block1", "head"]
  static let provenance = Provenance(
    strataVersion: "0.1.0", gitCommit: "abc123", commandLine: "strata probe spec.json",
    spec: #"{"init_cls": 2}"#, seed: 1993, libraries: ["oneDNN": "2.6.3", "HDF5": "1.10.8"],
    threads: 2)
  static let settings = ProbeSettings(probeImagesPerClass: 20, ckaBatchSize: 16,
                                      ckaFeatures: "flatten", probeSet: "test split, seeded")

  static func task(_ t: Int, epochs: Int) -> TaskProbes {
    func row(_ e: Int) -> [Double] { (0..<3).map { Double(t * 100 + e * 10 + $0) } }
    let rows: [[Double]] = (0..<epochs).map(row)
    let shifts: [ParameterShift] = (0..<3).map { b in
      ParameterShift(relative: Double(t) + Double(b) / 10, cosineDistance: 0.01 * Double(b),
                     statisticsRelative: b == 2 ? .nan : 0.5)
    }
    let accuracy: [Double] = (0...t).map { 0.9 - 0.1 * Double($0) }
    return TaskProbes(
      task: t, gradientNorm: rows,
      gradientNormNormalized: rows.map { $0.map { $0 / 2 } },
      epochShift: rows.map { $0.map { $0 / 1000 } },
      shift: shifts,
      ckaOld: [CKAResult(value: 0.9, reason: nil), CKAResult(value: 0.7, reason: nil),
               CKAResult(value: .nan, reason: "the second representation has no variance")],
      ckaNew: (0..<3).map { CKAResult(value: 0.5 + Double($0) / 10, reason: nil) },
      accuracy: accuracy)
  }

  /// A new probe file with task 1 recorded, in a scratch directory `body` may use; removed after.
  static func withProbeFile(tasks: Int = 4, _ body: (ProbeFile) throws -> Void) throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = try ProbeFile.create(at: directory + "/probes.h5", blocks: blocks, epochs: 2,
                                    tasks: tasks, settings: settings, provenance: provenance)
    try file.append(task(1, epochs: 2))
    try body(file)
  }

  static func scratch() throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-recording-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
  }

  static func readWithPython(_ path: String) throws -> [String: Any] {
    try runOracle("read_probes.py", path)
  }

  /// Runs Oracles/`script` with Debian's /usr/bin/python3 on `path`; the JSON it prints.
  static func runOracle(_ script: String, _ path: String) throws -> [String: Any] {
    try Oracles.json(script, [path])
  }

  @Test func h5pyAndXarrayReadEveryVariable() throws {
    try Self.withProbeFile { file in
      let path = file.path
      try file.append(Self.task(2, epochs: 1))
      #expect(try file.tasks() == [1, 2])

      let json = try Self.readWithPython(path)
      let variables = try #require(json["variables"] as? [String: [String: Any]])
      let grad = try #require(variables["grad_norm"])
      #expect(grad["dims"] as? [String] == ["task", "epoch", "block"])
      #expect(grad["shape"] as? [Int] == [2, 2, 3])
      let values = try #require(grad["values"] as? [Any])
      #expect(values.prefix(6).compactMap { $0 as? Double } == [100, 101, 102, 110, 111, 112])
      #expect(values[6] as? Double == 200 && values[9] is NSNull, "task 2 has one epoch, then NaN")
      let notes = try #require(variables["cka_old_note"]?["values"] as? [String])
      #expect(notes[2] == "the second representation has no variance" && notes[0].isEmpty)
      let accuracy = try #require(variables["accuracy"]?["values"] as? [Any])
      #expect(accuracy.count == 8 && accuracy[2] is NSNull && (accuracy[6] as? Double) == 0.7)

      let xarray = try #require(json["xarray"] as? [String: Any])
      #expect(xarray["task"] as? [Int] == [1, 2])
      #expect(xarray["block"] as? [String] == Self.blocks)
      #expect(xarray["cka_old_dims"] as? [String] == ["task", "block"])
    }
  }

  /// The schema (names, dimensions, attributes) against a golden file; re-record on purpose
  /// with STRATA_RECORD_GOLDEN=1.
  @Test func schemaMatchesGoldenFile() throws {
    try Self.withProbeFile(tasks: 3) { file in
      let schema = try #require(Self.readWithPython(file.path)["schema"] as? [String])
        .joined(separator: "\n") + "\n"
      let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/probes-schema.txt")
      if ProcessInfo.processInfo.environment["STRATA_RECORD_GOLDEN"] == "1" {
        try schema.write(to: golden, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: golden, encoding: .utf8)
    #expect(schema == expected, "schema changed; re-record on purpose with STRATA_RECORD_GOLDEN=1")
    }
  }

  @Test func neverDestroysEarlierResults() throws {
    try Self.withProbeFile { file in
      let path = file.path
      // Creating again refuses, naming the file.
      let exists = try #require(throws: RecordingError.self) {
        try ProbeFile.create(at: path, blocks: Self.blocks, epochs: 2, tasks: 4,
                             settings: Self.settings, provenance: Self.provenance)
    }
    #expect(exists.description.contains(path) && exists.description.contains("already exists"))
    // An append that fails half way (too many epochs) leaves the file as it was.
    let bad = Self.task(2, epochs: 3)
    let error = try #require(throws: RecordingError.self) { try file.append(bad) }
    #expect(error.description.contains("task 2") && error.description.contains(path))
    #expect(try file.tasks() == [1])
    // A stale partial file from a killed run is replaced by the next append.
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: path + ".partial"))
    try file.append(Self.task(2, epochs: 2))
    #expect(try file.tasks() == [1, 2])
    #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }
  }

  /// notebooks-export/plot_probes.py draws the block panels and the CKA heatmap from a file
  /// Strata wrote.
  @Test func plotScriptDrawsTheProbeFigures() throws {
    try Self.withProbeFile { file in
      try file.append(Self.task(2, epochs: 2))
      let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
      let out = URL(fileURLWithPath: file.path).deletingLastPathComponent().path + "/figures"
      let result = try ChildProcess.run("/usr/bin/python3", [
        repository.path + "/notebooks-export/plot_probes.py", file.path, "--out", out])
      #expect(result.status == 0, "plot_probes.py failed: \(result.errors)")
      for name in ["probes-blocks.png", "probes-cka.png"] {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
        #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(name) is not a PNG")
        #expect(data.count > 10_000, "\(name) is suspiciously small: \(data.count) bytes")
      }
    }
  }
}
