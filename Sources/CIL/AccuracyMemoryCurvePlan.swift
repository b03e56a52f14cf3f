import Data
import NN

/// The budget points of MEMO's accuracy–memory curve (Zhou, Wang, Ye, Zhan, ICLR 2023, §5;
/// the MEMO code's `utils/model2exemplar.py`, `auc2exemplar`), and what each method
/// stores at each point.
///
/// Point 1 is what an exemplar-based method holds with the benchmark backbone (ResNet-32 for
/// CIFAR, ResNet-18 for ImageNet) and `exemplars` images. Point k ≥ 2 is DER with the family's
/// k-th backbone, one per task, plus `exemplars` images. At every point:
/// - DER and MEMO use that point's backbone (MEMO split at the last stage's first block, as the
///   code's `memo_<backbone>` generalized / specialized pairs) and fill the rest with exemplars;
/// - an exemplar-based method (iCaRL and kin) keeps the benchmark backbone and fills the rest.
///
/// Every count is floor((budget − model bytes) / image bytes), the ledger's rule; nil where the
/// model alone exceeds the budget.
public struct AccuracyMemoryCurvePlan: Sendable {
  /// One budget point.
  public struct Point: Sendable {
    /// 1-based, as the MEMO code's `point_idx`.
    public var index: Int
    public var backbone: ResNetArchitecture
    /// Backbone parameters of one copy of `backbone`.
    public var backboneParameters: Int
    /// MEMO's split of `backbone`.
    public var memoSplit: SplitPoint
    /// The total memory budget, bytes.
    public var budget: Int
    public var memo: Int?
    public var der: Int?
    /// An exemplar-based method with the benchmark backbone.
    public var exemplarBased: Int?

    /// The budget in MB as the paper reports it: 2^20 bytes (the code's `/1024/1024`).
    public var megabytes: Double { Double(budget) / AccuracyMemoryCurve.bytesPerMB }
  }

  /// The two benchmarks of the paper's curve.
  public enum Benchmark: String, CaseIterable, Sendable {
    case cifar, imagenet

    /// CIFAR-100: 32×32×3; ImageNet-100: 224×224×3.
    public var image: ImageShape { self == .cifar ? .cifar : .imagenet }
    /// The backbone every exemplar-based method uses (the code's `model_params`).
    public var backbone: String { self == .cifar ? "resnet32" : "resnet18" }
    /// The family of the curve's points.
    public var family: [String] {
      self == .cifar ? ArchitectureFamily.cifar : ArchitectureFamily.imagenet
    }
  }

  public let benchmark: ResNetArchitecture
  public let family: [ResNetArchitecture]
  public let tasks: Int
  /// The exemplars of the reference point (2,000 in the paper).
  public let exemplars: Int
  public let image: ImageShape
  public let points: [Point]

  /// The plan for `family` (smallest first; its first member is point 1's MEMO/DER backbone)
  /// against `benchmark`, after `tasks` tasks, with `exemplars` reference exemplars of `image`.
  public init(benchmark: ResNetArchitecture, family: [ResNetArchitecture], tasks: Int,
              exemplars: Int, image: ImageShape)
  {
    precondition(!family.isEmpty, "a curve needs at least one backbone")
    precondition(tasks >= 1 && exemplars >= 0, "tasks ≥ 1 and exemplars ≥ 0")
    self.benchmark = benchmark
    self.family = family
    self.tasks = tasks
    self.exemplars = exemplars
    self.image = image
    let reference = MemoryLedger(benchmark, image: image)
    let exemplarBytes = exemplars * reference.imageBytes
    points = family.enumerated().map { i, backbone in
      let ledger = MemoryLedger(backbone, image: image)
      let budget = i == 0
        ? reference.modelBytes(split: .none, tasks: 1) + exemplarBytes
        : ledger.modelBytes(split: .at("stem"), tasks: tasks) + exemplarBytes
      return Point(
        index: i + 1, backbone: backbone, backboneParameters: ledger.backboneParameters,
        memoSplit: backbone.memoSplit, budget: budget,
        memo: ledger.exemplars(budget: budget, split: backbone.memoSplit, tasks: tasks),
        der: ledger.exemplars(budget: budget, split: .at("stem"), tasks: tasks),
        exemplarBased: reference.exemplars(budget: budget, split: .none, tasks: tasks))
    }
  }

  /// The paper's plan for a benchmark.
  public init(_ benchmark: Benchmark, tasks: Int, exemplars: Int = 2000) {
    self.init(benchmark: ArchitectureFamily.builtIn([benchmark.backbone])[0],
              family: ArchitectureFamily.builtIn(benchmark.family), tasks: tasks,
              exemplars: exemplars, image: benchmark.image)
  }
}
