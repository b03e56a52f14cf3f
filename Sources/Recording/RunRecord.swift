import CIL
import Data
import Foundation
import NN
import Tensor

/// The facts of a run that every later stage needs, decided once by the probe stage and
/// carried by every file of the run (probes.h5, training records, checkpoints, verify.h5), so
/// no stage re-derives them from the spec text or from the data on disk.
public struct RunRecord: Sendable, Equatable {
  /// The spec as used: `RunSpec.canonicalJSON` (every default filled in, `data_root` and an
  /// architecture file made absolute).
  public var spec: String
  /// The data set's name as the spec gives it (`fashion-mnist`, `image-folder`, …).
  public var dataset: String
  /// The stored image of one exemplar (what the memory ledger charges), as the model sees it.
  public var image: ImageShape
  /// Class names by original label.
  public var classNames: [String]
  /// Original labels in the order the tasks take them (numpy's legacy permutation).
  public var classOrder: [Int]
  /// Classes per task, base task first.
  public var taskSizes: [Int]
  /// The architecture as trained, its input taken from the data (`ArchitectureSpec` JSON).
  public var architecture: String
  /// The seeds of the run (one per probe run; a seed axis later holds several).
  public var seeds: [Int]
  /// OpenMP threads and the convolution setting the engine ran with (bitwise reproducibility
  /// needs both).
  public var threads: Int
  public var convolution: String

  public init(spec: String, dataset: String, image: ImageShape, classNames: [String],
              classOrder: [Int], taskSizes: [Int], architecture: String, seeds: [Int],
              threads: Int, convolution: String)
  {
    self.spec = spec
    self.dataset = dataset
    self.image = image
    self.classNames = classNames
    self.classOrder = classOrder
    self.taskSizes = taskSizes
    self.architecture = architecture
    self.seeds = seeds
    self.threads = threads
    self.convolution = convolution
  }

  /// The record of a run of `plan` on `data` in `context`; `specFile` is where the spec was
  /// read, so its relative paths become absolute.
  public init(plan: RunPlan, data: IncrementalDataset, specFile: String,
              context: ComputeContext) throws
  {
    var spec = plan.spec
    if let root = spec.dataRoot {
      spec.dataRoot = URL(fileURLWithPath: RunSpec.resolve(root, besides: specFile)).standardized.path
    }
    if ResNetArchitecture.builtIn(spec.architecture) == nil {
      spec.architecture = URL(fileURLWithPath: RunSpec.resolve(spec.architecture,
                                                               besides: specFile)).standardized.path
    }
    self.init(spec: spec.canonicalJSON, dataset: spec.dataset, image: try data.inputShape(),
              classNames: data.train.classNames, classOrder: plan.stream.order.order,
              taskSizes: plan.stream.increments,
              architecture: String(decoding: ArchitectureSpec.encode(plan.architecture),
                                   as: UTF8.self),
              seeds: [spec.seed], threads: context.threads,
              convolution: context.convolutionPolicy.rawValue)
  }

  public var classCount: Int { classNames.count }
  /// Tasks of the run, base task included.
  public var tasks: Int { taskSizes.count }

  /// The spec as used, decoded; `file` names the record's file in errors.
  public func runSpec(file: String) throws -> RunSpec {
    try RunSpec.decode(Data(spec.utf8), file: "\(file) (run record 'spec')")
  }

  /// The architecture as trained; `file` names the record's file in errors.
  public func network(file: String) throws -> ResNetArchitecture {
    do {
      return try ArchitectureSpec.decode(Data(architecture.utf8), file: "\(file) (run record)")
    } catch {
      throw RecordingError(path: file, message: "the run record's architecture: \(error)")
    }
  }

  /// The memory ledger of the run: its architecture and stored image.
  public func ledger(file: String) throws -> MemoryLedger {
    MemoryLedger(try network(file: file), image: image)
  }
}
