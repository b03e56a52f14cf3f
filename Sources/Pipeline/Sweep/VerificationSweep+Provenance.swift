import Foundation
import Recording
import Tensor

extension VerificationSweep {
  /// The provenance of a merged file: the runs' settings (their thread count, the sweep's
  /// recorded convolution), not the merging process's, since the merge trains nothing.
  func mergeProvenance(threads: Int, commandLine: String) throws -> Provenance {
    Provenance.current(
      specText: (try? String(contentsOfFile: specFile, encoding: .utf8)) ?? "",
      seed: seeds[0], threads: threads,
      convolution: try recordedConvolution() ?? ComputeContext.environmentConvolution,
      commandLine: commandLine)
  }
}
