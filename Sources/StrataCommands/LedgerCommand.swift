import ArgumentParser
import CIL
import Data
import NN

/// `strata ledger`: model bytes and exemplars at a budget, for every split of an architecture.
public struct LedgerCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "ledger",
    abstract: "Print the memory ledger of every split: model bytes and exemplars at a budget.",
    discussion: """
      A parameter costs 4 bytes and only the backbone counts (as the MEMO code counts); an \
      exemplar costs its raw uint8 image (32x32x3 = 3,072 bytes). A split named by its first \
      specialized block shares G parameters and copies S per task, so after T tasks the model \
      holds G + T·S parameters; at a total budget a method keeps \
      floor((budget − model bytes) / image bytes) exemplars. "stem" is DER (a backbone per \
      task), "none" one backbone.

      --budget is a number of bytes, or DER:N for DER's footprint after the tasks: T whole \
      backbones plus N exemplars (MEMO's aligned comparison).

      Example (CIFAR-100 B0 Inc10 at DER's budget: stage3.block1 keeps 3,312):
        strata ledger resnet32 --tasks 10 --budget DER:2000
      """)

  @Argument(help: "A built-in architecture name or a JSON architecture spec file.")
  public var architecture: String

  @Option(help: "Number of tasks T (branches a split copies).")
  public var tasks: Int

  @Option(help: ArgumentHelp("Total memory budget: bytes, or DER:N (T backbones + N exemplars).",
                             valueName: "BYTES|DER:N"))
  public var budget: String

  @Option(help: ArgumentHelp(
    "Stored image as HxWxC (default: the architecture's input, e.g. 32x32x3).",
    valueName: "HxWxC"))
  public var image: String?

  @Option(help: "Print only this split (a block name such as stage3.block1, or none).")
  public var split: String?

  public init() {}

  public func validate() throws {
    guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1, not \(tasks)") }
    guard MemoryLedger.Budget(parsing: budget) != nil else {
      throw ValidationError(
        "--budget must be a number of bytes (24684160) or DER:N (DER:2000), not \(budget)")
    }
    if let image, parseImageShape(image) == nil {
      throw ValidationError("--image must be HxWxC with positive sizes, e.g. 32x32x3, not \(image)")
    }
  }

  public func render() throws -> String {
    let spec = try ArchitectureSpec.load(architecture)
    let shape = image.flatMap(parseImageShape)
    let ledger = MemoryLedger(spec, image: shape.map {
      ImageShape(channels: $0[0], height: $0[1], width: $0[2])
    })
    let only = try split.map { try spec.split(named: $0, file: "--split", keyPath: "") }
    let request = MemoryLedger.Budget(parsing: budget)!
    let total = ledger.bytes(of: request, tasks: tasks)

    var text = "\(spec.name) ledger: \(tasks) task\(tasks == 1 ? "" : "s"), exemplar "
      + "\(imageShapeText([ledger.image.channels, ledger.image.height, ledger.image.width])) = "
      + "\(grouped(ledger.imageBytes)) bytes, \(MemoryLedger.bytesPerParameter) bytes per "
      + "backbone parameter\n"
    let mebibytes = grouped(Double(total) / 1_048_576, decimals: 2)
    text += "budget: \(grouped(total)) bytes (\(mebibytes) MiB)"
    if case .der(let n) = request {
      text += " = DER: \(tasks) × \(spec.name) + \(grouped(n)) exemplars"
    }
    text += "\n"
    var table = TextTable(["split", "shared G", "specialized S", "model params", "model bytes",
                           "exemplars", "model in exemplars"])
    var overBudget = false
    for entry in ledger.entries(tasks: tasks, budget: total)
    where only == nil || entry.split == only {
      overBudget = overBudget || entry.exemplars == nil
      table.add([entry.split.description, grouped(entry.sharedParameters),
                 grouped(entry.specializedParameters), grouped(entry.modelParameters),
                 grouped(entry.modelBytes), entry.exemplars.map(grouped) ?? "—",
                 grouped(entry.exemplarEquivalents, decimals: 2)])
    }
    text += "\n" + table.rendered
    if overBudget { text += "\n—: the model alone exceeds the budget.\n" }
    return text
  }

  public func run() throws { print(try render(), terminator: "") }
}
