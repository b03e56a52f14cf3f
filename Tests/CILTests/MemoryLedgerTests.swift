import CIL
import Data
import NN
import Testing

/// The memory ledger reproduces the MEMO paper's numbers from the architectures themselves:
/// parameter counts come from the block registry, bytes and exemplars from the ledger's rules.
/// The expected values are the paper's (and ../shared/DESIGN.md's); nothing here is derived from
/// them.
@Suite struct MemoryLedgerTests {
  static let resnet32 = MemoryLedger(ResNetArchitecture.builtIn("resnet32")!)
  static let resnet18 = MemoryLedger(ResNetArchitecture.builtIn("resnet18")!)

  @Test func imageBytes() {
    #expect(Self.resnet32.imageBytes == 3_072)
    #expect(Self.resnet18.imageBytes == 150_528)
    #expect(MemoryLedger(.cifar(depth: 20), image: .mnist).imageBytes == 784)
    #expect(ImageShape.imagenet.elementCount == 150_528)
  }

  /// ResNet-32: 463,504 parameters = 112,016 (stem, stage 1, stage 2) + 351,488 (stage 3);
  /// 1,854,016 bytes = 603 CIFAR exemplars (603.52, floored as the MEMO code floors).
  @Test func resnet32IsA603ExemplarModel() {
    let ledger = Self.resnet32
    #expect(ledger.backboneParameters == 463_504)
    #expect(ledger.partition(.at("stage3.block1")) == (112_016, 351_488))
    let bytes = ledger.modelBytes(split: .none, tasks: 1)
    #expect(bytes == 1_854_016)
    #expect(Int(ledger.exemplarEquivalents(bytes: bytes)) == 603)
    #expect(bytes / ledger.imageBytes == 603)
    // The bytes of one more model buy exactly those 603 exemplars.
    let budget = ledger.modelBytes(split: .none, tasks: 1) + bytes
    #expect(ledger.exemplars(budget: budget, split: .none, tasks: 1) == 603)
  }

  @Test func resnet20() {
    #expect(MemoryLedger(ResNetArchitecture.builtIn("resnet20")!).backboneParameters == 269_072)
  }

  /// ResNet-18: 11,176,512 = 2,782,784 (stem … stage 3) + 8,393,728 (stage 4). Its bytes are
  /// 296.99 ImageNet exemplars: the paper's "297" is that number rounded to nearest (floored it
  /// would be 296, while ResNet-32's 603.52 is floored to 603).
  @Test func resnet18IsA297ExemplarModel() {
    let ledger = Self.resnet18
    #expect(ledger.backboneParameters == 11_176_512)
    #expect(ledger.partition(.at("stage4.block1")) == (2_782_784, 8_393_728))
    let equivalents = ledger.exemplarEquivalents(bytes: ledger.modelBytes(split: .none, tasks: 1))
    #expect(equivalents.rounded() == 297)
    #expect(abs(equivalents - 296.995) < 0.001)
  }

  /// CIFAR-100 B0 Inc10 (10 tasks) at DER's budget: 10 ResNet-32 + 2,000 exemplars =
  /// 24,684,160 bytes (23.54 MiB); MEMO at stage3.block1 holds 112,016 + 10 · 351,488
  /// parameters and keeps 3,312 exemplars (2,000 + the 1,312 its smaller model frees).
  @Test func memoAtDERsBudgetKeeps3312Exemplars() throws {
    let ledger = Self.resnet32
    let tasks = 100 / 10
    let budget = ledger.bytes(of: .der(exemplars: 2_000), tasks: tasks)
    #expect(budget == 24_684_160)
    #expect(String(format: "%.2f", Double(budget) / 1_048_576) == "23.54")
    let memo = try ledger.architecture.split(named: "stage3.block1", file: "test",
                                             keyPath: "split")
    #expect(ledger.modelParameters(split: memo, tasks: tasks) == 3_626_896)
    #expect(ledger.exemplars(budget: budget, split: memo, tasks: tasks) == 3_312)
    // DER itself keeps its 2,000; one backbone (iCaRL) keeps 2,000 + 9 models' worth.
    #expect(ledger.exemplars(budget: budget, split: .at("stem"), tasks: tasks) == 2_000)
    #expect(ledger.exemplars(budget: budget, split: .none, tasks: tasks) == 2_000 + 5_431)
  }

  /// Every legal split appears once, in forward order; G + S is always the backbone; a model
  /// over budget keeps no exemplars (nil).
  @Test func entriesCoverEverySplit() throws {
    let ledger = Self.resnet32
    let entries = ledger.entries(tasks: 5, budget: 5_000_000)
    #expect(entries.map(\.split.description) == ["stem"]
      + (1...3).flatMap { s in (1...5).map { "stage\(s).block\($0)" } } + ["none"])
    for e in entries {
      #expect(e.sharedParameters + e.specializedParameters == 463_504)
      #expect(e.modelParameters == e.sharedParameters + 5 * e.specializedParameters)
      #expect(e.modelBytes == 4 * e.modelParameters)
    }
    #expect(entries.first!.exemplars == nil, "5 ResNet-32 = 9.27 MB exceed 5 MB")
    #expect(entries.last!.exemplars == (5_000_000 - 1_854_016) / 3_072)
    // Deeper splits share more, so the model shrinks monotonically.
    #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.modelBytes >= $1.modelBytes })
  }

  @Test func budgetParsing() {
    #expect(MemoryLedger.Budget(parsing: "24684160") == .bytes(24_684_160))
    #expect(MemoryLedger.Budget(parsing: "24,684,160") == .bytes(24_684_160))
    #expect(MemoryLedger.Budget(parsing: "DER:2000") == .der(exemplars: 2_000))
    #expect(MemoryLedger.Budget(parsing: "der:0") == .der(exemplars: 0))
    for bad in ["", "DER", "DER:", "DER:-1", "-5", "12MB", "iCaRL:2000", "DER:2:3"] {
      #expect(MemoryLedger.Budget(parsing: bad) == nil, "\(bad)")
    }
  }
}
