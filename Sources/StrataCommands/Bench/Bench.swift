import ArgumentParser

/// `strata bench`: throughput figures, each printed against its reference from the same run.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure Strata's speed against its references on this machine.",
    discussion: """
      Each benchmark runs its reference in the same invocation and prints medians and ratios. \
      Build in release mode for meaningful numbers: swift run -c release strata bench engine
      """,
    subcommands: [BenchEngine.self, BenchData.self, BenchProbes.self])
}
