import Data
import NN

/// What a class-incremental method stores, in bytes, and how many exemplars a total budget leaves
/// it (MEMO, Zhou et al., ICLR 2023, §3: "a model or 603 exemplars").
///
/// A parameter costs 4 bytes (float32) and only the backbone counts, as the MEMO code counts a
/// model (`count_parameters` of the convnet, no classifier). An exemplar costs its raw uint8
/// image: 32·32·3 = 3,072 bytes for CIFAR, 224·224·3 = 150,528 for ImageNet, 28·28·1 = 784
/// for Fashion-MNIST. For a split with G shared and S specialized parameters, after T tasks the model
/// holds G + T·S parameters, and at a fixed total budget the method keeps
/// floor((budget − model bytes) / image bytes) exemplars.
public struct MemoryLedger: Sendable {
  public static let bytesPerParameter = 4

  public let registry: BlockRegistry
  /// The stored image: its raw uint8 size is one exemplar's cost.
  public let image: ImageShape

  /// The ledger of `architecture` with exemplars of `image` (default: the architecture's own
  /// input, `inputChannels` × `inputSize` × `inputSize`). The model is priced for the images it
  /// is fed: its stem takes `image.channels` channels, as the network trained on them does
  /// (issue 25: a grey image once priced a three-channel stem).
  public init(_ architecture: ResNetArchitecture, image: ImageShape? = nil) {
    registry = BlockRegistry(architecture,
                             input: image.map { [$0.channels, $0.height, $0.width] })
    self.image = image ?? ImageShape(channels: architecture.inputChannels,
                                     height: architecture.inputSize, width: architecture.inputSize)
  }

  public var architecture: ResNetArchitecture { registry.architecture }

  /// Bytes of one exemplar.
  public var imageBytes: Int { image.elementCount }

  /// Parameters of one whole backbone.
  public var backboneParameters: Int { registry.backboneParameterCount }

  /// G (shared) and S (specialized) parameters at `split`.
  public func partition(_ split: SplitPoint) -> (shared: Int, specialized: Int) {
    registry.partition(split)
  }

  /// G + T·S after `tasks` tasks.
  public func modelParameters(split: SplitPoint, tasks: Int) -> Int {
    precondition(tasks >= 1, "a ledger needs at least one task, not \(tasks)")
    let (g, s) = partition(split)
    return g + tasks * s
  }

  public func modelBytes(split: SplitPoint, tasks: Int) -> Int {
    Self.bytesPerParameter * modelParameters(split: split, tasks: tasks)
  }

  /// How many exemplars `bytes` would hold, as a real number (a model "is" 603.52 exemplars).
  public func exemplarEquivalents(bytes: Int) -> Double { Double(bytes) / Double(imageBytes) }

  /// The exemplars a method keeps at a total budget: floor((budget − model bytes) / image
  /// bytes), as the MEMO code's `math.floor`; nil when the model alone exceeds the budget.
  public func exemplars(budget: Int, split: SplitPoint, tasks: Int) -> Int? {
    let spare = budget - modelBytes(split: split, tasks: tasks)
    return spare < 0 ? nil : spare / imageBytes
  }

  /// A total memory budget.
  public enum Budget: Equatable, Sendable, CustomStringConvertible {
    /// A number of bytes.
    case bytes(Int)
    /// DER's footprint: one whole backbone per task plus this many exemplars (MEMO's aligned
    /// comparison: CIFAR-100 B0 Inc10 with 2,000 exemplars is 10 ResNet-32 + 2,000 images).
    case der(exemplars: Int)

    /// `24684160` (bytes) or `DER:2000`; nil for anything else.
    public init?(parsing text: String) {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      if parts.count == 2, parts[0].uppercased() == "DER", let n = Int(parts[1]), n >= 0 {
        self = .der(exemplars: n)
      } else if parts.count == 1, let n = Int(text.filter { $0 != "_" && $0 != "," }), n >= 0 {
        self = .bytes(n)
      } else {
        return nil
      }
    }

    public var description: String {
      switch self {
      case .bytes(let n): "\(n) bytes"
      case .der(let n): "DER:\(n)"
      }
    }
  }

  /// The budget in bytes for `tasks` tasks.
  public func bytes(of budget: Budget, tasks: Int) -> Int {
    switch budget {
    case .bytes(let n): n
    case .der(let n): modelBytes(split: .at("stem"), tasks: tasks) + n * imageBytes
    }
  }

  /// One split's line of the ledger.
  public struct Entry: Equatable, Sendable {
    public var split: SplitPoint
    /// G and S.
    public var sharedParameters: Int
    public var specializedParameters: Int
    /// G + T·S.
    public var modelParameters: Int
    public var modelBytes: Int
    /// The model's bytes in exemplars (real).
    public var exemplarEquivalents: Double
    /// Exemplars at the budget; nil when the model alone exceeds it.
    public var exemplars: Int?
  }

  /// Every legal split (`stem` … `none`) after `tasks` tasks at a total budget of `budget` bytes.
  public func entries(tasks: Int, budget: Int) -> [Entry] {
    architecture.legalSplits.map { split in
      let (g, s) = partition(split)
      let bytes = modelBytes(split: split, tasks: tasks)
      return Entry(split: split, sharedParameters: g, specializedParameters: s,
                   modelParameters: g + tasks * s, modelBytes: bytes,
                   exemplarEquivalents: exemplarEquivalents(bytes: bytes),
                   exemplars: exemplars(budget: budget, split: split, tasks: tasks))
    }
  }
}

extension ImageShape {
  /// ImageNet as the reference code stores it: 224×224 RGB.
  public static let imagenet = ImageShape(channels: 3, height: 224, width: 224)
}
