import ArgumentParser
import NN

/// `strata arch`: the block table of an architecture.
public struct ArchCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "arch",
    abstract: "Print an architecture's blocks: parameters, share, multiply-accumulates, output.",
    discussion: """
      Lists the blocks in forward order with the names every other command uses (stem, \
      stage1.block1, …, head): each block's parameter count, its share of the backbone's \
      parameters (the classifier is not part of the backbone, as the MEMO code counts), the \
      multiply-accumulates of one forward of one image, and the output shape (H×W×C).

      ARCHITECTURE is a built-in (\(ResNetArchitecture.builtInNames.joined(separator: ", "))) \
      or a JSON architecture spec file, for example:

        {"name": "tiny", "stem": "cifar", "stemWidth": 16,
         "stages": [{"block": "basic", "blocks": 2, "width": 16, "stride": 1},
                    {"block": "basic", "blocks": 2, "width": 32, "stride": 2}],
         "shortcut": "A", "widthMultiplier": 0.5,
         "inputChannels": 3, "inputSize": 32, "classes": 10}

      stem is "cifar" (3×3) or "imagenet" (7×7/2 + max pool); block is "basic" or "bottleneck" \
      (output 4 × width); shortcut is "A" (zero padding) or "B" (1×1 conv + BN projection). A \
      plain ConvNet has a conv-block stem {"kernel", "stride", "padding", "bias", "maxPool"} and \
      stages of "conv" blocks with the same keys (see docs/accuracy-memory-curve.md; built-ins \
      conv2 and conv4). The first line ends with MEMO's split (the last stage's first block): \
      the generalized (shared) and specialized (per task) parameters.

      Example:
        strata arch resnet18 --input 224x224x3
        strata arch conv4 --input 224x224x3
      """)

  @Argument(help: "A built-in architecture name or a JSON architecture spec file.")
  public var architecture: String

  @Option(help: ArgumentHelp(
    "Input image as HxWxC, e.g. 32x32x3 (default: the architecture's own input).",
    valueName: "HxWxC"))
  public var input: String?

  public init() {}

  public func validate() throws {
    if let input, parseImageShape(input) == nil {
      throw ValidationError("--input must be HxWxC with positive sizes, e.g. 32x32x3, not \(input)")
    }
  }

  /// The architecture and the registry for the requested input.
  func registry() throws -> BlockRegistry {
    let spec = try ArchitectureSpec.load(architecture)
    guard let input, let shape = parseImageShape(input) else { return BlockRegistry(spec) }
    if let problem = spec.shrinkingProblem(height: shape[1], width: shape[2]) {
      throw problem.error(file: "--input \(input)")
    }
    return BlockRegistry(spec, input: shape)
  }

  /// The table as printed.
  public func render() throws -> String {
    let registry = try registry()
    let backbone = registry.backboneParameterCount
    var table = TextTable(["block", "params", "share", "MACs", "output"])
    for entry in registry.entries {
      let share = entry.kind == .head ? "—"
        : grouped(100 * Double(entry.parameterCount) / Double(backbone), decimals: 2) + "%"
      table.add([entry.name, grouped(entry.parameterCount), share,
                 grouped(entry.multiplyAccumulates),
                 entry.kind == .head ? "\(entry.outputShape[0])"
                   : imageShapeText(entry.outputShape)])
    }
    let head = registry.entries.last!
    table.add(["backbone", grouped(backbone), "100.00%",
               grouped(registry.multiplyAccumulates - head.multiplyAccumulates), ""])
    table.add(["total", grouped(backbone + head.parameterCount), "",
               grouped(registry.multiplyAccumulates), ""])
    return summary(registry) + "\n" + table.rendered
  }

  public func run() throws { print(try render(), terminator: "") }
}

/// One line describing an architecture: `resnet32: cifar stem, 3 stages of basic blocks …`.
func summary(_ registry: BlockRegistry) -> String {
  let a = registry.architecture
  let kinds = Set(a.stages.map(\.block.rawValue)).sorted().joined(separator: "/")
  let widths = a.stages.map { String(a.scaled($0.width)) }.joined(separator: "/")
  let counts = a.stages.map { String($0.blocks) }.joined(separator: ", ")
  let multiplier = a.widthMultiplier == 1 ? "" : " (width ×\(a.widthMultiplier))"
  let stem = if case .conv(let layout) = a.stem { "conv stem (\(layout.summary))" }
    else { "\(a.stem.name) stem" }
  let shortcut = a.hasResidualBlocks ? ", shortcut \(a.shortcut.rawValue)" : ""
  let (generalized, specialized) = registry.partition(a.memoSplit)
  return "\(a.name): \(stem), \(a.stages.count) stage\(a.stages.count == 1 ? "" : "s") of \(kinds) blocks "
    + "[\(counts)] at widths \(widths)\(multiplier)\(shortcut), input "
    + "\(imageShapeText(registry.inputShape)), \(a.classes) classes; MEMO split "
    + "\(a.memoSplit): generalized \(grouped(generalized)), specialized \(grouped(specialized))\n"
}
