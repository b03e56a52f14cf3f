import Analysis
import Foundation
import NN
import Probes
import Recording
import StrataTestSupport

/// Probe data with known block profiles: constructed sensitivities for the derivation, and
/// probe files written by `ProbeFile` for the reader, the outputs and the command.
enum ProbeFixture {
  /// ResNet-20's blocks: stem, stage1.block1 … stage3.block3, head (10 body blocks).
  static let blocks = BlockRegistry(ResNetArchitecture.builtIn("resnet20")!).entries.map(\.name)
  static let spec = #"{"model_name": "memo", "dataset": "fashion-mnist", "architecture": "resnet20", "#
    + #""init_cls": 2, "increment": 2, "memory_size": 200, "seed": 1993}"#
  static let settings = ProbeSettings(probeImagesPerClass: 10, ckaBatchSize: 8,
                                      ckaFeatures: "flatten", probeSet: "test split, seeded")

  static func provenance(spec: String = spec) -> Provenance {
    Provenance(strataVersion: "0.1.0", gitCommit: "abc123", commandLine: "strata probe run.json",
               spec: spec, seed: 1993, libraries: ["HDF5": "1.10.8", "oneDNN": "2.6.3"],
               threads: 2)
  }

  /// A step profile over `count` blocks: `low` before block `at`, `high` from it on.
  static func step(_ count: Int, at: Int, low: Double = 0.1, high: Double = 1) -> [Double] {
    (0..<count).map { $0 < at ? low : high }
  }

  /// Sensitivities whose value for (metric, task index, block) is `value`.
  static func sensitivities(blocks: [String] = blocks, tasks: Int,
                            _ value: (SensitivityMetric, Int, Int) -> Double) -> BlockSensitivities
  {
    BlockSensitivities(
      blocks: blocks, tasks: Array(1...tasks),
      values: SensitivityMetric.allCases.map { m in
        (0..<tasks).map { t in blocks.indices.map { b in value(m, t, b) } }
      })
  }

  /// One task's probes with the metrics of `value(metric, block)` (the representation metric
  /// stored as CKA = 1 − value), `epochs` equal epochs, and a CKA NaN with `reason` where
  /// `value` is NaN.
  static func task(_ t: Int, epochs: Int = 2, _ value: (SensitivityMetric, Int) -> Double)
    -> TaskProbes
  {
    let b = blocks.indices
    let gradient = b.map { value(.gradient, $0) }
    let cka = b.map { i -> CKAResult in
      let v = value(.representation, i)
      return v.isNaN ? CKAResult(value: .nan, reason: "the first representation has no variance")
        : CKAResult(value: 1 - v, reason: nil)
    }
    return TaskProbes(
      task: t, gradientNorm: Array(repeating: gradient.map { $0 * 10 }, count: epochs),
      gradientNormNormalized: Array(repeating: gradient, count: epochs),
      epochShift: Array(repeating: b.map { value(.shift, $0) / 2 }, count: epochs),
      shift: b.map { ParameterShift(relative: value(.shift, $0), cosineDistance: 0.01,
                                    statisticsRelative: 0.1) },
      ckaOld: cka, ckaNew: b.map { _ in CKAResult(value: 0.5, reason: nil) },
      accuracy: (0...t).map { _ in 0.5 })
  }

  /// A probe file in a new scratch folder with `tasks` written; `runTasks` is the run's
  /// task count (the task_seen axis).
  static func file(_ tasks: [TaskProbes], runTasks: Int = 5, spec: String = spec) throws -> String {
    let path = try scratch() + "/probes.h5"
    let file = try ProbeFile.create(at: path, blocks: blocks, epochs: 2, tasks: runTasks,
                                    settings: settings, provenance: provenance(spec: spec))
    for task in tasks { try file.append(task) }
    return path
  }

  static func scratch() throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-analysis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
  }

  /// Runs an oracle script from Oracles/ (Debian's /usr/bin/python3: h5py, xarray).
  static func python(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    try PythonOracle.json(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Oracles/" + script).path, arguments)
  }
}
