import CIL
import Data
import Foundation
import NN
import Recording
import Tensor

extension ProbeRecorder {
  /// Creates the probe file at `output` (and, when `exportBlocks` is not empty, the activation
  /// file at `activationsPath`) for a run of `plan` on `data`, and the recorder that fills them.
  /// The probe set is `probeImagesPerClass` test images per class drawn with the spec's seed.
  /// Nothing is created when a file exists (unless `overwrite`) or a block is unknown.
  public static func start(plan: RunPlan, data: IncrementalDataset, output: String,
                           probeImagesPerClass: Int, options: Options,
                           exportBlocks: [String] = [], activationsPath: String? = nil,
                           provenance: Provenance, run: RunRecord? = nil, overwrite: Bool = false,
                           context: ComputeContext) throws -> ProbeRecorder
  {
    let blocks = BlockRegistry(plan.architecture).entries.map(\.name)
    let activationsPath = exportBlocks.isEmpty ? nil : activationsPath ?? defaultActivationsPath(output)
    if let unknown = exportBlocks.first(where: { !blocks.contains($0) }) {
      throw RecordingError(path: activationsPath ?? output, message: "cannot export block "
        + "\"\(unknown)\": \(plan.architecture.name) has " + blocks.joined(separator: ", "))
    }
    for path in [output] + (activationsPath.map { [$0] } ?? [])
    where !overwrite && FileManager.default.fileExists(atPath: path) {
      throw RecordingError(path: path, message: "already exists; not replacing earlier results "
                           + "(choose another output or force the overwrite)")
    }
    let seed = UInt32(truncatingIfNeeded: plan.spec.seed)
    let settings = ProbeSettings(
      probeImagesPerClass: probeImagesPerClass, ckaBatchSize: options.ckaBatch ?? 0,
      ckaFeatures: options.features.rawValue,
      probeSet: "\(probeImagesPerClass) test-split images per class, drawn once with numpy's "
        + "legacy np.random.RandomState(\(seed)) (per class: sorted rs.choice(indices, n, "
        + "replace=False)); for task t, the old-class and the new-class images are each put in "
        + "the order of RandomState(\(seed) + t).permutation(n) and cut to whole batches of "
        + "batch_size (0: one batch holding the whole subset), so that batches mix classes")
    let file = try ProbeFile.create(
      at: output, blocks: blocks, epochs: plan.spec.epochs, tasks: plan.stream.count,
      settings: settings, provenance: provenance, perIteration: options.perIteration,
      splits: options.splitProbes.isEmpty ? nil
        : plan.architecture.legalSplits.map(\.description),
      splitProbes: options.splitProbes, ckaMatrix: options.ckaMatrix, run: run,
      overwrite: overwrite)
    let activations = try activationsPath.map {
      try ActivationFile.create(at: $0, blocks: exportBlocks, settings: settings,
                                provenance: provenance, overwrite: overwrite)
    }
    let probeSet = ProbeSet(labels: data.test.labels, classCount: data.classCount,
                            perClass: probeImagesPerClass, seed: seed)
    return ProbeRecorder(sink: ProbeFileSink(file: file, activations: activations), blocks: blocks,
                         data: data, probeSet: probeSet, options: options, context: context)
  }

  /// `probes.h5` → `probes.activations.h5`.
  public static func defaultActivationsPath(_ output: String) -> String {
    (output.hasSuffix(".h5") ? String(output.dropLast(3)) : output) + ".activations.h5"
  }
}
