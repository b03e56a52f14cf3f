import CIL
import Foundation
import HDF5
import NN
import Tensor

/// A run checkpoint as an HDF5 file that h5py reads plainly (it is not a netCDF file: parameter
/// shapes are not labelled axes).
///
/// ```
/// /                      attributes: format "strata-checkpoint", format_version, architecture
///                        (JSON architecture spec), run_spec (JSON, every setting), spec (as
///                        given), method, split, task, epochs_completed, task_epochs,
///                        task_complete (0/1), known_classes, total_classes, task_sizes, seed,
///                        threads, convolution (auto, winograd or direct; absent before it was
///                        recorded), strata_version, git_commit, command_line, library_versions
/// /parameters/<name>     float32, one per parameter by dotted name (stage2.block3.conv1.weight,
///                        branch2.stage3.block1.bn1.weight, head.weight); PyTorch's shapes
/// /buffers/<name>        float32 BatchNorm running_mean / running_var
/// /momentum/<name>       float32 SGD momentum buffer of each parameter that has one (mid-task)
/// /teacher/parameters/…, /teacher/buffers/…   iCaRL's frozen network of the previous task
/// /memory/classes, exemplar_count, exemplar_index   int32 class positions, int64 exemplars per
///                        class, int64 training-split indices class by class in herding order
/// /memory/mean_class, class_means              int32 [m], float32 [m, features]
/// /results/accuracy_cnn[_total], accuracy_nme[_total], model_parameters,
///                        network_parameters, exemplars, image_bytes   rows of finished tasks
/// /run                   the run record (`RunRecord`: class order and names, image, …)
/// ```
/// Written atomically: to `<path>.partial`, closed, renamed over `path`.
public enum RunCheckpointFile {
  public static let format = "strata-checkpoint"
  public static let formatVersion: Int32 = 1

  /// What a checkpoint says about the run that wrote it, beside its state.
  public struct Header: Sendable {
    public var architecture: ResNetArchitecture
    /// `RunSpec.canonicalJSON` of the run.
    public var runSpec: String
    public var method: String
    public var split: String
    /// OpenMP threads of the writing process: bitwise equality on resume needs the same.
    public var threads: Int32
    /// The writing process's convolution setting (`STRATA_CONVOLUTION`); the algorithms
    /// round differently, so bitwise equality on resume needs the same. Nil in older files.
    public var convolution: String?
  }

  /// This process's convolution setting, as `ComputeContext.shared()` reads it.
  public static var convolution: String {
    ComputeContext.environmentConvolution.rawValue
  }

  /// `provenance` is the writing process's (its threads are the run's); `convolution` the
  /// setting its engine runs with.
  public static func write(_ checkpoint: RunCheckpoint, plan: RunPlan, provenance: Provenance,
                           convolution: ConvolutionPolicy, run: RunRecord? = nil,
                           to path: String) throws
  {
    try writeAtomically(path) { file in
      try write(checkpoint, plan: plan, provenance: provenance, convolution: convolution,
                into: file.root)
      try run?.write(into: file.root)
    }
  }

  private static func write(_ checkpoint: RunCheckpoint, plan: RunPlan, provenance: Provenance,
                            convolution: ConvolutionPolicy, into root: HDF5Group) throws
  {
    let a = root.attributes
    let position = checkpoint.position
    try a.write("format", format)
    try a.write("format_version", formatVersion)
    try a.write("architecture",
                String(decoding: ArchitectureSpec.encode(plan.architecture), as: UTF8.self))
    try a.write("run_spec", plan.spec.canonicalJSON)
    try a.write("method", plan.spec.modelName.rawValue)
    try a.write("split", plan.split.description)
    try a.write("task", Int32(position.task))
    try a.write("epochs_completed", Int32(position.epochsCompleted))
    try a.write("task_epochs", Int32(plan.spec.trainingEpochs(task: position.task)))
    try a.write("task_complete", Int32(position.taskComplete ? 1 : 0))
    try a.write("known_classes", Int32(checkpoint.knownClasses))
    try a.write("total_classes", Int32(checkpoint.totalClasses))
    try a.write("task_sizes", checkpoint.taskSizes.map(Int32.init))
    try a.write("convolution", convolution.rawValue)
    // spec (as given), seed, threads, Strata version, git commit, command line, libraries.
    try provenance.write(to: a)

    try writeState(checkpoint.network, to: root)
    let momentum = try group(root, "momentum",
                             "SGD momentum buffers (torch.optim.SGD momentum_buffer) by parameter")
    try momentum.writeArrays(checkpoint.momentum)
    if let teacher = checkpoint.teacher {
      try writeState(teacher, to: try group(root, "teacher",
                                            "iCaRL: the frozen network after the previous task"))
    }
    try writeMemory(checkpoint.memory, to: try group(root, "memory", "exemplar memory"))
    try writeResults(checkpoint.result, to: try group(root, "results",
                                                      "accuracies and ledger of finished tasks"))
  }

  private static func group(_ parent: HDF5Group, _ name: String, _ description: String) throws
    -> HDF5Group
  {
    let group = try parent.createGroup(name)
    try group.attributes.write("description", description)
    return group
  }

  private static func writeState(_ state: ModuleState, to parent: HDF5Group) throws {
    try group(parent, "parameters", "parameters by dotted name, PyTorch's shapes")
      .writeArrays(state.parameters)
    try group(parent, "buffers", "BatchNorm running statistics by dotted name")
      .writeArrays(state.buffers)
  }

  private static func writeMemory(_ memory: ExemplarMemory, to group: HDF5Group) throws {
    let classes = memory.exemplars.keys.sorted()
    try group.createDataset("classes", values: classes.map(Int32.init))
    try group.createDataset("exemplar_count", values: classes.map { memory.exemplars[$0]!.count })
    try group.createDataset("exemplar_index", values: classes.flatMap { memory.exemplars[$0]! })
    let means = memory.classMeans.keys.sorted()
    let width = means.first.map { memory.classMeans[$0]!.count } ?? 0
    try group.createDataset("mean_class", values: means.map(Int32.init))
    try group.createDataset("class_means", values: means.flatMap { memory.classMeans[$0]! },
                            shape: [means.count, width])
  }

  private static func writeResults(_ result: RunResult, to group: HDF5Group) throws {
    var matrices = [("cnn", result.cnn)]
    if let nme = result.nme { matrices.append(("nme", nme)) }
    for (name, matrix) in matrices {
      try group.createDataset("accuracy_\(name)", values: matrix.values.flatMap { $0 },
                              shape: [matrix.tasksSeen, matrix.taskCount])
      try group.createDataset("accuracy_\(name)_total", values: matrix.total)
    }
    let ledger = result.ledger
    try group.createDataset("model_parameters", values: ledger.map(\.modelParameters))
    try group.createDataset("network_parameters", values: ledger.map(\.networkParameters))
    try group.createDataset("exemplars", values: ledger.map(\.exemplars))
    try group.createDataset("image_bytes", values: ledger.map(\.imageBytes))
  }
}
