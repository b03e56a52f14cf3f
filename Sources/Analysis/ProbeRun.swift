import CIL
import Data
import Foundation
import NN
import Recording

/// The run a probe file came from, as far as the split analysis needs it: the run spec (from
/// the file's provenance), the architecture and the stored image, hence the memory ledger.
public struct ProbeRun: Sendable {
  public let spec: RunSpec
  public let architecture: ResNetArchitecture
  public let image: ImageShape
  /// Tasks of the run, base task included (the length of the file's `task_seen` axis).
  public let tasks: Int
  public let ledger: MemoryLedger

  /// The built-in data sets' stored image and class count.
  static let datasets: [String: (image: ImageShape, classes: Int)] = [
    "fashionmnist": (.mnist, 10), "cifar10": (.cifar, 10), "cifar100": (.cifar, 100),
  ]

  /// Reads the spec from `record`'s provenance; `architecture` (a built-in name or a spec
  /// file) and `image` override the spec's. The architecture must have the file's blocks.
  public init(_ record: ProbeRecord, architecture override: String? = nil,
              image imageOverride: ImageShape? = nil) throws
  {
    let path = record.path
    let text = record.provenance.spec
    var spec = RunSpec()
    if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      spec = try RunSpec.decode(Data(text.utf8), file: "\(path) (provenance attribute 'spec')")
    }
    let known = Self.datasets[spec.dataset.lowercased().filter { $0.isLetter || $0.isNumber }]
    guard let image = imageOverride ?? known?.image else {
      throw SplitError(file: path, message: "the run's data set \"\(spec.dataset)\" is not a "
                       + "built-in one; give the stored image with --image HxWxC")
    }
    let name = override ?? spec.architecture
    var architecture: ResNetArchitecture
    do {
      architecture = try ArchitectureSpec.load(Self.resolve(name, beside: path))
    } catch {
      throw SplitError(file: path, message: "cannot load the run's architecture: \(error)")
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

  /// The spec's `memory_budget`, else DER's footprint with the spec's exemplars: one backbone
  /// per task plus `memory_size` (or `memory_per_class` × classes with `fixed_memory`).
  public func defaultBudget(file: String) throws -> MemoryLedger.Budget {
    if let budget = spec.memoryBudget { return budget }
    guard spec.fixedMemory else { return .der(exemplars: spec.memorySize) }
    guard let classes = Self.datasets[spec.dataset.lowercased().filter {
      $0.isLetter || $0.isNumber }]?.classes
    else {
      throw SplitError(file: file, message: "fixed_memory on \(spec.dataset): the class count is "
                       + "unknown here; give the budget with --budget")
    }
    return .der(exemplars: spec.memoryPerClass * classes)
  }

  /// A relative architecture file that does not exist from here is looked up next to the
  /// probe file (specs name it relative to where the run started).
  static func resolve(_ name: String, beside path: String) -> String {
    guard ResNetArchitecture.builtIn(name) == nil, !name.hasPrefix("/"),
          !FileManager.default.fileExists(atPath: name)
    else { return name }
    let sibling = URL(fileURLWithPath: path).deletingLastPathComponent()
      .appendingPathComponent(name).path
    return FileManager.default.fileExists(atPath: sibling) ? sibling : name
  }
}
