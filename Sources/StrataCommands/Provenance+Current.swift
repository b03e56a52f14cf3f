import DNNL
import Foundation
import HDF5
import Recording
import Tensor

extension Provenance {
  /// This process's provenance for a file written from `specText`.
  static func current(specText: String, seed: Int) -> Provenance {
    let environment = ProcessInfo.processInfo.environment
    let threads = environment["OMP_NUM_THREADS"].flatMap { Int32($0) }
      ?? Int32(ProcessInfo.processInfo.activeProcessorCount)
    let dnnl = LibraryVersion.current
    // Winograd and direct convolutions round differently, so a rerun needs the same choice.
    return Provenance(
      strataVersion: StrataVersion.string, gitCommit: sourceCommit(),
      commandLine: CommandLine.arguments.joined(separator: " "), spec: specText,
      seed: Int64(seed),
      libraries: ["oneDNN": "\(dnnl.major).\(dnnl.minor).\(dnnl.patch) (\(dnnl.cpuRuntime), "
                    + convolutions(ComputeContext.environmentConvolution,
                                   winogradAvailable: LibraryVersion.hasAVX512Core,
                                   thresholds: .current) + ")",
                  "HDF5": HDF5Library.version],
      threads: threads)
  }

  /// The convolution setting as recorded, with what it came to where oneDNN has no Winograd
  /// kernels (no AVX-512): every setting then runs direct, and a reader should know. `auto`
  /// names its CPU's row of thresholds when it chooses otherwise than the reference row.
  static func convolutions(_ policy: ConvolutionPolicy, winogradAvailable: Bool,
                           thresholds: WinogradThresholds = .reference) -> String
  {
    guard winogradAvailable || policy == .direct else {
      return "convolutions \(policy.rawValue) (no Winograd kernels here: all direct)"
    }
    return "convolutions \(policy.rawValue)"
      + (policy == .auto && !thresholds.choosesAs(.reference) ? " (\(thresholds))" : "")
  }

  /// The commit of the source tree this binary was built from, read at run time (`-dirty` when
  /// tracked files differ from it); "unknown" when that tree or git is gone.
  static func sourceCommit() -> String {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    func git(_ arguments: [String]) -> String? {
      guard let (status, data) = ChildProcess.output("/usr/bin/git", ["-C", directory] + arguments),
            status == 0
      else { return nil }
      return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let commit = git(["rev-parse", "HEAD"]), !commit.isEmpty else { return "unknown" }
    let dirty = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
    return dirty ? commit + "-dirty" : commit
  }
}
