import ArgumentParser
import CKernels
import Foundation
import Pipeline
import Tensor

/// The `strata` command: layer analysis for memory-efficient class-incremental learning.
public struct Strata: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "strata",
    abstract: "Layer analysis for memory-efficient class-incremental learning.",
    discussion: """
      Strata trains a ResNet task by task, records how every block changes when a new task \
      arrives (gradient norms, parameter shift, CKA) into HDF5, derives where to split the \
      network into shared and per-task blocks (as MEMO does), and verifies the choice by \
      retraining under one memory budget.

      Environment: OMP_NUM_THREADS sets oneDNN's threads. STRATA_CONVOLUTION picks how 3x3 \
      stride-1 convolutions run: auto (the default; Winograd for the passes and layer widths \
      where it measured faster, on CPUs with AVX-512), winograd (every training pass) or \
      direct. Both change results in the last bits and are recorded in every file.
      """,
    version: StrataVersion.string,
    subcommands: [RunCommand.self, ArchCommand.self, LedgerCommand.self, TrainCommand.self, ProbeCommand.self,
                  SplitCommand.self, VerifyCommand.self, ReportCommand.self, Bench.self,
                  SweepCommand.self, CurveCommand.self]
  )

  public init() {}

  /// Stops with a usage error when the environment asks for something Strata cannot do, before
  /// any command starts work.
  /// `main()`, and on an error, first the output folders this process created and left empty
  /// removed (`OutputFolder.removeUnused`).
  public static func runRemovingUnusedFolders() {
    do {
      var command = try parseAsRoot(joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
      try command.run()
    } catch {
      OutputFolder.removeUnused()
      exit(withError: error)
    }
  }

  /// `--tasks -3` as `--tasks=-3`: the argument parser reads a lone `-3` as a flag and reports
  /// "Missing value for '--tasks'", hiding the range check that would name the real problem.
  /// No Strata flag looks like a number, so the rewrite changes nothing else.
  static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
    var joined: [String] = []
    for argument in arguments {
      if let option = joined.last, option.hasPrefix("--"), !option.contains("="),
         argument.hasPrefix("-"), Double(argument) != nil
      {
        joined[joined.count - 1] = option + "=" + argument
      } else {
        joined.append(argument)
      }
    }
    return joined
  }

  public static func checkEnvironment() {
    do { _ = try ComputeContext.convolutionFromEnvironment() } catch { exit(withError: error) }
    returnFreedBuffersToTheSystem()
  }

  /// glibc's mmap threshold, fixed (128 KiB, its default start) unless MALLOC_MMAP_THRESHOLD_
  /// sets one: with the threshold rising as it does by default, a 5-task MEMO run kept freed
  /// tensors in the heap and peaked at twice the resident memory (1,189,028 against 536,396 KB
  /// on a cut MEMO spec, same time; benchmarks/README.md).
  static func returnFreedBuffersToTheSystem() {
    guard ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil else { return }
    _ = strata_fix_mmap_threshold(128 * 1024)
  }
}
