import ArgumentParser
import Pipeline

/// Where a sweep's runs execute.
public enum SweepExecutorKind: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// Child processes of this machine (`--jobs` at a time).
  case local
  /// One Slurm job array plus a merge job.
  case slurm
}

/// `--executor` and the Slurm site options, shared by `strata verify` and `strata run`.
public struct SlurmOptions: ParsableArguments, Sendable {
  @Option(help: ArgumentHelp("Where the runs execute: local (child processes, --jobs at a time) "
                             + "or slurm (a job array, then a merge job).",
                             valueName: "local|slurm"))
  public var executor: SweepExecutorKind = .local

  @Option(help: "Slurm partition of the jobs (sbatch --partition).")
  public var partition: String?

  @Option(help: ArgumentHelp("Time limit of each run's job (sbatch --time).", valueName: "D-HH:MM:SS"))
  public var time: String?

  @Option(help: ArgumentHelp("Memory of each run's job (sbatch --mem).", valueName: "SIZE"))
  public var mem: String?

  @Option(help: "Slurm account to charge (sbatch --account).")
  public var account: String?

  @Option(help: ArgumentHelp("CPUs of each run's job; also its thread count (default 1; a "
                             + "resumed sweep keeps the count it started with).", valueName: "N"))
  public var cpusPerTask: Int?

  @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("A further sbatch argument for both jobs, repeatable "
                             + "(--sbatch-arg=--qos=long).", valueName: "ARG"))
  public var sbatchArguments: [String] = []

  @Option(help: .hidden)
  public var pollInterval: Double = 10

  public init() {}

  var site: SlurmBatchScript.Site { settings.site }

  /// The options as the Slurm executor takes them.
  var settings: SlurmSettings {
    SlurmSettings(partition: partition, time: time, memory: mem, account: account,
                  cpusPerTask: cpusPerTask, extra: sbatchArguments, pollInterval: pollInterval)
  }

  public func validate() throws {
    let given = [("--partition", partition), ("--time", time), ("--mem", mem),
                 ("--account", account)].filter { $0.1 != nil }.map(\.0)
      + (cpusPerTask == nil ? [] : ["--cpus-per-task"])
      + (sbatchArguments.isEmpty ? [] : ["--sbatch-arg"])
    if executor == .local, let option = given.first {
      throw ValidationError("\(option) is a Slurm option; add --executor slurm")
    }
    if let cpusPerTask, cpusPerTask < 1 {
      throw ValidationError("--cpus-per-task must be at least 1")
    }
    guard pollInterval > 0 else { throw ValidationError("--poll-interval must be positive") }
    // Each value becomes one #SBATCH line: a line break would end it and start a command.
    for (option, value) in [("--partition", partition), ("--time", time), ("--mem", mem),
                            ("--account", account)] + sbatchArguments.map({ ("--sbatch-arg", $0) })
    where value?.contains(where: \.isNewline) ?? false {
      throw ValidationError("\(option) holds a line break")
    }
    for argument in sbatchArguments where !argument.hasPrefix("-") {
      throw ValidationError("--sbatch-arg \(argument): an sbatch option starts with -")
    }
  }

  /// The options as arguments again, for `strata run` to hand to `strata verify`.
  var arguments: [String] {
    var result = ["--executor", executor.rawValue]
    for (option, value) in [("--partition", partition), ("--time", time), ("--mem", mem),
                            ("--account", account), ("--cpus-per-task", cpusPerTask.map(String.init))] {
      if let value { result += [option, value] }
    }
    result += sbatchArguments.map { "--sbatch-arg=" + $0 }
    if executor == .slurm { result += ["--poll-interval", "\(pollInterval)"] }
    return result
  }
}
