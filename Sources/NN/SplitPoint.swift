/// Where an expandable model splits into a shared part and per-task branches, named by the first
/// specialized block (MEMO, Zhou et al. 2023, §4): `stage3.block1` is MEMO's choice for
/// ResNet-32, `stem` copies the whole backbone per task (DER, Yan et al. 2021), `none` copies
/// nothing (one backbone). Any block boundary of the body is a legal split; the classifier
/// (`head`) is never shared between models of different width and is not a split.
public enum SplitPoint: Hashable, Sendable, CustomStringConvertible {
  /// No specialized blocks: one backbone for every task.
  case none
  /// The first specialized block: it and every block after it (up to the head) are copied per task.
  case at(String)

  /// `none` or a block name, unchecked (see `ResNetArchitecture.split(named:file:keyPath:)`).
  public init(_ name: String) { self = name == "none" ? .none : .at(name) }

  public var description: String {
    switch self {
    case .none: "none"
    case .at(let block): block
    }
  }
}

extension ResNetArchitecture {
  /// Names of the body's blocks (no head), in forward order: `stem`, `stage1.block1`, …
  public var bodyBlockNames: [String] { ["stem"] + blockPlans.map(\.name) }

  /// Every legal split in forward order: each body block, then `none`.
  public var legalSplits: [SplitPoint] { bodyBlockNames.map(SplitPoint.at) + [.none] }

  /// MEMO's split: the first block of the last stage, as the MEMO code's generalized /
  /// specialized backbones (`stage3.block1` for the CIFAR ResNets; `stage4.block1`, PyCIL's
  /// `layer4`, for the ImageNet ResNets; `stage1.block1`, the second block, for `conv2`;
  /// `stage2.block1`, the fourth, for `conv4`).
  public var memoSplit: SplitPoint { .at("stage\(stages.count).block1") }

  /// How many body blocks (stem included) sit before the split, i.e. are shared.
  public func sharedBlockCount(_ split: SplitPoint) -> Int {
    let names = bodyBlockNames
    switch split {
    case .none:
      return names.count
    case .at(let name):
      guard let index = names.firstIndex(of: name) else {
        preconditionFailure("\(name) is not a block of \(self.name)")
      }
      return index
    }
  }

  /// Parses a split name from a spec or the command line; an unknown name is an error naming
  /// `file` and `keyPath` and listing the legal splits.
  public func split(named name: String, file: String, keyPath: String)
    throws(ArchitectureSpecError) -> SplitPoint
  {
    if name == "none" || bodyBlockNames.contains(name) { return SplitPoint(name) }
    var hint = ""
    if name == "head" {
      hint = "the classifier is not a split (to copy nothing per task, use none); "
    } else if let first = bodyBlockNames.first(where: { $0.hasPrefix(name + ".") }) {
      hint = "did you mean \(first)? "
    }
    throw ArchitectureSpecError(
      file: file, keyPath: keyPath,
      message: "\"\(name)\" is not a block of \(self.name); \(hint)legal splits: "
        + legalSplitSummary)
  }

  /// The legal splits, stages compressed: `stem, stage1.block1…stage1.block5, …, none`.
  public var legalSplitSummary: String {
    var parts = ["stem"]
    for (s, stage) in stages.enumerated() {
      let name = { (b: Int) in "stage\(s + 1).block\(b)" }
      switch stage.blocks {
      case ..<1: continue
      case 1: parts.append(name(1))
      case 2: parts.append("\(name(1)), \(name(2))")
      default: parts.append("\(name(1))…\(name(stage.blocks))")
      }
    }
    return (parts + ["none"]).joined(separator: ", ")
  }
}
