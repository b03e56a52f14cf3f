import Analysis
import Foundation
import NN
import Recording

/// Everything a report shows, read from a run folder: `probes.h5` (required), `split.json` and
/// `verify.h5` (each shown when present). Nothing is recomputed: a report only presents what the
/// files hold, so every number in it can be traced to a variable.
public struct RunReport: Sendable {
  public let directory: String
  /// The probe file's first seed: its blocks, tasks, provenance and run record, which every
  /// seed shares. Values for people come from `seeds`.
  public let probes: ProbeRecord
  /// Every seed of the probe file (one record for a file without a `seed` axis).
  public let seeds: [ProbeRecord]
  public let split: SplitReport?
  public let verification: VerificationRecord?
  /// The block registry of the run's architecture (parameters, multiply-accumulates); nil for a
  /// probe file without a run record.
  public let registry: BlockRegistry?

  public init(directory: String) throws {
    self.directory = directory
    seeds = try ProbeFile.open(directory + "/probes.h5").readSeeds()
    probes = seeds[0]
    let splitPath = directory + "/split.json"
    split = FileManager.default.fileExists(atPath: splitPath)
      ? try SplitReport.readJSON(splitPath) : nil
    let verifyPath = directory + "/verify.h5"
    verification = FileManager.default.fileExists(atPath: verifyPath)
      ? try VerifyFile.read(verifyPath) : nil
    // The architecture as trained, from the run record. A file written before the record
    // existed (such as a committed analysis) still names its spec in the provenance: its block
    // table is drawn from that when it loads, and left out, not guessed, when it does not.
    let probes = self.probes
    let architecture = try probes.run.map { try $0.network(file: probes.path) }
      ?? (try? ProbeRun(probes))?.architecture
    registry = architecture.map { BlockRegistry($0) }
    // A split.json of another run would name a block this architecture lacks (as verify checks);
    // a probe file without a run record still names the blocks it measured.
    if let recommended = split?.recommendedSplit {
      if let architecture {
        _ = try architecture.split(named: recommended, file: splitPath, keyPath: "recommended_split")
      } else if recommended != "none", !probes.blocks.dropLast().contains(recommended) {
        throw RecordingError(path: splitPath, message: "recommended_split \"\(recommended)\" is "
          + "not a block before the head of the probe file's network ("
          + probes.blocks.joined(separator: ", ") + ")")
      }
    }
  }

  /// The first specialized block of the recommendation, if any.
  public var recommendedSplit: String? { split?.recommendedSplit }

  /// Mean over a task's epochs of an [epoch][block] matrix, NaN epochs left out.
  static func epochMean(_ matrix: [[Double]]) -> [Double] {
    guard let width = matrix.first?.count else { return [] }
    return (0..<width).map { b in
      let values = matrix.map { $0[b] }.filter { !$0.isNaN }
      return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
  }
}

/// A fraction as the report's percentages print it (two decimals).
func percent(_ value: Double) -> String { NumberFormat.percent(value) }
