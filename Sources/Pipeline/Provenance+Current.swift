import DNNL
import Foundation
import HDF5
import Recording
import Tensor

extension Provenance {
  /// The one provenance factory: this process's provenance for a file written from `specText`,
  /// with the thread count and convolution setting the engine runs with (`threads`,
  /// `convolution`: a sweep's merge records its runs' settings, not its own).
  public static func current(specText: String, seed: Int, threads: Int,
                             convolution: ConvolutionPolicy,
                             commandLine: String = CommandLine.arguments.joined(separator: " "))
    -> Provenance
  {
    let dnnl = LibraryVersion.current
    // Winograd and direct convolutions round differently, so a rerun needs the same choice.
    return Provenance(
      strataVersion: StrataVersion.string, gitCommit: sourceCommit,
      commandLine: commandLine, spec: specText, seed: Int64(seed),
      libraries: ["oneDNN": "\(dnnl.major).\(dnnl.minor).\(dnnl.patch) (\(dnnl.cpuRuntime), "
                    + convolutions(convolution, winogradAvailable: LibraryVersion.hasAVX512Core,
                                   thresholds: .current) + ")",
                  "HDF5": HDF5Library.version],
      threads: Int32(threads))
  }

  /// `current` with the settings `context` holds.
  public static func current(specText: String, seed: Int, context: ComputeContext,
                             commandLine: String = CommandLine.arguments.joined(separator: " "))
    -> Provenance
  {
    current(specText: specText, seed: seed, threads: context.threads,
            convolution: context.convolutionPolicy, commandLine: commandLine)
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

  /// The commit of the source tree this binary was built from, read once per process at run
  /// time (`-dirty` when tracked files differ from it); "unknown" when that tree or git is gone.
  public static let sourceCommit: String = {
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
  }()
}
