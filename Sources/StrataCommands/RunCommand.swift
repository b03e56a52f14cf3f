import ArgumentParser
import CIL
import Foundation
import Recording

/// `strata run SPEC`: the whole pipeline — probe, split, verify, report — into one folder,
/// each stage skipped when its outputs are complete, so a killed run continues with --resume.
public struct RunCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the whole pipeline (probe → split → verify → report) from one spec.",
    discussion: """
      SPEC is a run spec (JSON, PyCIL keys; model_name finetune or replay for the probe run). \
      The stages write into DIR:
        run.json                 the spec as used (relative paths made absolute)
        probes.h5                strata probe: block-wise gradient norms, shift, CKA
        split.json, split.h5     strata split: the split and its evidence
        runs/, verify.h5         strata verify: candidates retrained at equal memory
        report.html, report.md   strata report, with charts/ and tables/
      A stage whose outputs are complete is skipped. Every file is written whole or not at \
      all, and the verification's runs keep checkpoints, so after a kill `strata run SPEC \
      --out DIR --resume` continues where it stopped (a probe run cut short starts its \
      stage again). Without --resume an existing DIR is refused and left untouched.

      With --executor slurm the verification runs are a Slurm job array and a merge job that \
      also writes the report (DIR on a filesystem the nodes share); the probe run and the \
      split analysis run here. See strata verify --help.

      Example (the quickstart; its measured time is in the README):
        strata run analyses/quickstart-fashion-mnist.json --out runs/quickstart
      """)

  @Argument(help: "The run spec (JSON).")
  public var spec: String

  @Option(help: ArgumentHelp("The run folder (default: runs/<spec name>).", valueName: "DIR"))
  public var out: String?

  @Flag(help: "Continue a run in DIR (start it when DIR does not exist).")
  public var resume = false

  @Option(help: ArgumentHelp("Verification runs at a time (default 2, sharing the cores; with "
                             + "--executor slurm, array tasks running at once, default Slurm's limits)."))
  public var jobs: Int?

  @Option(help: ArgumentHelp("Verification budgets, comma-separated: bytes or DER:N.",
                             valueName: "BYTES|DER:N,…"))
  public var budget: String?

  @Option(help: ArgumentHelp("Verification seeds, comma-separated.", valueName: "S,…"))
  public var seeds: String?

  @Flag(help: "Print one line per task, not every epoch.")
  public var quiet = false

  @OptionGroup(title: "Slurm (verification)")
  public var slurm: SlurmOptions

  public init() {}

  var directory: String {
    out ?? "runs/" + URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
  }

  public func validate() throws {
    guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
  }

  /// The stages in order, each with the test that it is done.
  enum Stage: String, CaseIterable {
    case probe, split, verify, report
  }

  func isComplete(_ stage: Stage) -> Bool {
    let manager = FileManager.default
    switch stage {
    case .probe:
      // Every task after the first recorded (the file's task_seen axis has them all).
      guard let record = try? ProbeFile.open(directory + "/probes.h5").read() else { return false }
      return record.tasks.count == record.runTasks - 1
    case .split:
      return manager.fileExists(atPath: directory + "/split.json")
        && manager.fileExists(atPath: directory + "/split.h5")
    case .verify:
      return manager.fileExists(atPath: directory + "/verify.h5")
    case .report:
      return manager.fileExists(atPath: directory + "/report.html")
    }
  }

  public func run() throws {
    let console = Console()
    let manager = FileManager.default
    let existing = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
    if !existing.isEmpty && !resume {
      throw FileRefusal("\(directory) already holds a run; add --resume to continue it, or "
                        + "choose another --out")
    }
    try OutputFolder.claim(directory)
    let runSpec = directory + "/run.json"
    if !manager.fileExists(atPath: runSpec) {
      let data = try RunSpec.derive(from: spec, overrides: [:])
      do {
        try data.write(to: URL(fileURLWithPath: runSpec), options: .atomic)
      } catch {
        throw FileRefusal("\(runSpec): cannot write the run's spec: \(error.localizedDescription)")
      }
    }
    let start = Date()
    for stage in Stage.allCases {
      if isComplete(stage) {
        console.info("== \(stage.rawValue): complete, skipped")
        continue
      }
      console.info("== \(stage.rawValue)")
      let stageStart = Date()
      try run(stage, runSpec: runSpec)
      console.info("== \(stage.rawValue) done in "
        + ProgressBar.duration(Date().timeIntervalSince(stageStart)))
    }
    console.info("pipeline complete in " + ProgressBar.duration(Date().timeIntervalSince(start))
      + "; open \(directory)/report.html")
  }

  private func run(_ stage: Stage, runSpec: String) throws {
    var arguments: [String]
    switch stage {
    case .probe:
      arguments = ["probe", runSpec, "--output", directory + "/probes.h5", "--force"]
      if quiet { arguments.append("--quiet") }
    case .split:
      arguments = ["split", directory + "/probes.h5", "--output-dir", directory]
    case .verify:
      arguments = ["verify", runSpec, "--output-dir", directory, "--resume"] + slurm.arguments
      if slurm.executor == .slurm {
        if let jobs { arguments += ["--jobs", "\(jobs)"] }
        arguments += ["--report-directory", directory]
      } else {
        arguments += ["--jobs", "\(jobs ?? 2)"]
      }
      if let budget { arguments += ["--budget", budget] }
      if let seeds { arguments += ["--seeds", seeds] }
    case .report:
      arguments = ["report", directory]
    }
    var command = try Strata.parseAsRoot(arguments)
    try command.run()
  }
}
