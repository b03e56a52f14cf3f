import CIL
import Data
import Foundation
import NN
import Recording

/// The run a probe file came from, as far as the split analysis needs it: the run spec, the
/// architecture and the stored image, hence the memory ledger. All of it is read from the file's
/// run record (`/run`); only files written before the record existed fall back to the spec in
/// their provenance and the built-in data sets' shapes.
public struct ProbeRun: Sendable {
  public let spec: RunSpec
  public let architecture: ResNetArchitecture
  public let image: ImageShape
  /// Tasks of the run, base task included (the length of the file's `task_seen` axis).
  public let tasks: Int
  /// Classes of the data set; nil for a file without a run record whose data set is not a
  /// built-in one.
  public let classCount: Int?
  public let ledger: MemoryLedger

  /// The built-in data sets' stored image and class count (files without a run record only).
  static let datasets: [String: (image: ImageShape, classes: Int)] = [
    "fashionmnist": (.mnist, 10), "cifar10": (.cifar, 10), "cifar100": (.cifar, 100),
  ]

  /// Reads the run from `record`; `architecture` (a built-in name or a spec file) and `image`
  /// override the run's. The architecture must have the file's blocks.
  public init(_ record: ProbeRecord, architecture override: String? = nil,
              image imageOverride: ImageShape? = nil) throws
  {
    let path = record.path
    var spec = RunSpec()
    var architecture: ResNetArchitecture
    let image: ImageShape
    if let run = record.run {
      spec = try run.runSpec(file: path)
      image = imageOverride ?? run.image
      architecture = try override.map { try Self.load($0, beside: path) } ?? run.network(file: path)
      classCount = run.classCount
    } else {
      let text = record.provenance.spec
      if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        spec = try RunSpec.decode(Data(text.utf8), file: "\(path) (provenance attribute 'spec')")
      }
      let known = Self.datasets[spec.dataset.lowercased().filter { $0.isLetter || $0.isNumber }]
      guard let shape = imageOverride ?? known?.image else {
        throw SplitError(file: path, message: "the run's data set \"\(spec.dataset)\" is not a "
                         + "built-in one and the file has no run record; give the stored image "
                         + "with --image HxWxC")
      }
      image = shape
      architecture = try Self.load(override ?? spec.architecture, beside: path)
      classCount = known?.classes
    }
    architecture.inputChannels = image.channels
    architecture.inputSize = image.height
    let names = BlockRegistry(architecture).entries.map(\.name)
    guard names == record.blocks else {
      throw SplitError(file: path, message: "its blocks (\(record.blocks.joined(separator: ", "))) "
                       + "are not those of \(architecture.name) (\(names.joined(separator: ", ")))"
                       + "; give the run's architecture with --architecture")
    }
    self.spec = spec
    self.architecture = architecture
    self.image = image
    tasks = record.runTasks
    ledger = MemoryLedger(architecture, image: image)
  }

  /// The verification budget when none is given: the one rule `strata split` and
  /// `strata verify` share (`RunSpec.defaultBudget`), with the run's class count.
  public func defaultBudget(file: String) throws -> MemoryLedger.Budget {
    guard let budget = spec.defaultBudget(classCount: classCount) else {
      throw SplitError(file: file, message: "fixed_memory on \(spec.dataset): the class count is "
                       + "unknown here; give the budget with --budget")
    }
    return budget
  }

  /// A built-in architecture or a spec file; a relative file is resolved as every relative path
  /// of a run is (`RunSpec.resolve`: beside the file naming it first, else the working folder).
  static func load(_ name: String, beside path: String) throws -> ResNetArchitecture {
    do {
      return try ArchitectureSpec.load(ResNetArchitecture.builtIn(name) != nil
                                         ? name : RunSpec.resolve(name, besides: path))
    } catch {
      throw SplitError(file: path, message: "cannot load the run's architecture: \(error)")
    }
  }
}
