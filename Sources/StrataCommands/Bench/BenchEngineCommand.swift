import Common
import ArgumentParser
import Foundation
import NN
import Tensor

/// `strata bench engine`: training and eval throughput of the learners' network (ResNet-32 as an
/// `ExpandableNetwork`, one branch or MEMO's T) against PyTorch, the sgemm ceiling, and peak
/// memory, all measured in this run.
struct BenchEngine: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "engine",
    abstract: "Benchmark ResNet training against PyTorch and the machine's sgemm ceiling.",
    discussion: """
      Trains ResNet-32 (option A, 100 classes) at batch 128 on synthetic 32x32x3 images \
      (forward, loss, backward and SGD step), then runs eval forwards. The network is the one \
      the learners train (ExpandableNetwork): one backbone by default; with --branches T and \
      --split BLOCK, MEMO after T tasks (a shared trunk, T copies of the blocks from BLOCK on, \
      the T - 1 older ones frozen and in eval mode, the auxiliary loss). PyTorch runs the same \
      network at the same thread count in benchmarks/torch_train_bench.py (Debian's \
      /usr/bin/python3 with python3-torch), in both memory formats, as two processes that take \
      one step per command: Strata's steps and theirs alternate, each training round ending \
      with one sgemm for the ceiling, so a shared machine's slow moments fall on all of them. \
      Ratios are medians over the --steps pairs (after --warmup), against PyTorch's faster \
      format.

      3x3 stride-1 convolutions with enough channels run oneDNN's Winograd kernels where it \
      has them (AVX-512), direct ones otherwise (STRATA_CONVOLUTION=auto, the default); \
      STRATA_CONVOLUTION=winograd uses it in every training pass of 3x3 stride-1 layers, \
      =direct nowhere. \
      --compare-convolutions measures the three, and Winograd in every pass, in one run, \
      alternating steps; under ONEDNN_VERBOSE=1, benchmarks/convolution_passes.py turns its \
      log into per-pass times and the Winograd thresholds they support for this CPU.

      Peak RSS is this process's after the warm-up; the buffer pool's high-water marks say \
      how much of it activations and gradients took (live at once, and held from the system \
      with the buffers kept for reuse).

      Examples:
        OMP_NUM_THREADS=2 swift run -c release strata bench engine
        OMP_NUM_THREADS=2 strata bench engine --branches 5 --split stage3.block1
      """)

  @Option(help: "Images per batch.") var batch = 128
  @Option(help: "Measured steps (medians are reported).") var steps = 20
  @Option(help: "Warm-up steps before measuring.") var warmup = 5
  @Option(help: "CIFAR ResNet depth (6n+2).") var depth = 32
  @Option(help: "Branches (tasks) of the expandable network; more than 1 needs --split.")
  var branches = 1
  @Option(help: "First specialized block (stage3.block1 is MEMO's for ResNet-32), stem, or none.")
  var split = "none"
  @Option(help: "Threads for oneDNN (OMP_NUM_THREADS) and PyTorch.") var threads = 2
  @Option(help: "Python with torch for the reference.") var python = "/usr/bin/python3"
  @Flag(help: "Skip the PyTorch reference.") var noReference = false
  @Flag(help: "Compare the convolution settings (direct, winograd, auto) in alternating steps, nothing else.")
  var compareConvolutions = false

  func validate() throws {
    for (name, value, least) in [("--batch", batch, 1), ("--steps", steps, 1),
                                 ("--warmup", warmup, 0), ("--threads", threads, 1)]
      where value < least
    {
      throw ValidationError("\(name) must be at least \(least), got \(value)")
    }
    guard depth >= 8, (depth - 2) % 6 == 0 else {
      throw ValidationError("--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got \(depth)")
    }
    guard branches >= 1, branches <= 100 else {
      throw ValidationError("--branches must be 1 to 100 (each task needs a class), got \(branches)")
    }
    let legal = ResNetArchitecture.cifar(depth: depth, classes: 100).legalSplits
    guard legal.contains(SplitPoint(split)) else {
      throw ValidationError("--split \(split) is not a block of ResNet-\(depth); use none, stem or "
                            + "a block such as stage3.block1")
    }
    guard branches == 1 || split != "none" else {
      throw ValidationError("--branches \(branches) needs a --split other than none")
    }
  }

  func run() throws {
    let architecture = ResNetArchitecture.cifar(depth: depth, classes: 100)
    let benchmark = EngineBenchmark(architecture: architecture, batch: batch, steps: steps,
                                    warmup: warmup, branches: branches, split: SplitPoint(split))
    let environment = ProcessInfo.processInfo.environment
    if environment["OMP_NUM_THREADS"] != String(threads) {
      print("note: OMP_NUM_THREADS=\(environment["OMP_NUM_THREADS"] ?? "unset"); oneDNN uses that,"
            + " PyTorch gets --threads \(threads). Set OMP_NUM_THREADS=\(threads) to match.")
    }
    print("Strata: \(architecture.name) as an ExpandableNetwork, split \(split), \(branches) "
          + "branch\(branches == 1 ? "" : "es")\(branches > 1 ? " (\(branches - 1) frozen, eval mode)" : ""), "
          + "batch \(batch), \(steps) steps after \(warmup) warm-up")
    if compareConvolutions { return try compare(benchmark) }
    let context = try ComputeContext.shared()
    print(try convolutionSummary(context))
    let flopsPerImage = try benchmark.trainingFLOPsPerImage()
    let session = try EngineBenchmark.Session(benchmark, context: context)
    let torch = noReference ? [] : try TorchServer.formats.map { format throws in
      try TorchServer(python: python, threads: threads, batch: batch, format: format,
                      depth: depth, branches: branches, split: split)
    }
    let console = Console()

    // Warm-up, then Strata's peak memory, read before the sgemm matrices exist.
    _ = try Interleaved.run(warmup, [{ step in try session.trainStep(step, recordingNorms: false) }]
                            + torch.map { server in { _ in try server.ask("train") } },
                            progress: Self.stage(console, "warm-up", warmup).advance)
    _ = try Interleaved.run(min(warmup, 1), [{ _ in try session.evalStep() }]
                            + torch.map { server in { _ in try server.ask("eval") } }) { _ in }
    let strataPeakMiB = Double(peakResidentKiB()) / 1024
    let pool = BufferPool.shared.peaks
    let sgemm = SgemmBenchmark()
    let rates = try SgemmBenchmark.Library.allCases.map { try ($0, sgemm.medianRate($0)) }
    let ceilingLibrary = rates.max { $0.1 < $1.1 }!.0

    // Measured: Strata, each PyTorch format and one sgemm take turns, step by step.
    let train = try Interleaved.run(
      steps, [{ step in try session.trainStep(warmup + step, recordingNorms: false) }]
        + torch.map { server in { _ in try server.ask("train") } }
        + [{ _ in try sgemm.once(ceilingLibrary) }],
      progress: Self.stage(console, "train", steps).advance)
    let eval = try Interleaved.run(
      steps, [{ _ in try session.evalStep() }] + torch.map { server in { _ in try server.ask("eval") } },
      progress: Self.stage(console, "eval", steps).advance)
    console.finishBar()
    let torchPeakMiB = try torch.map { try $0.ask("rss") }.max()

    print("")
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; sgemm n=2048 (median of"
          + " 7): " + rates.map { "\($0.0.rawValue) \(fmt($0.1))" }.joined(separator: ", ")
          + " GFLOP/s; \(ceilingLibrary.rawValue)'s ran between the training steps")
    print((branches == 1 ? "training FLOP per image: \(fmt(flopsPerImage / 1e6)) MFLOP." : "")
          + (torch.isEmpty ? ""
          : " Steps of Strata and of PyTorch (\(TorchServer.formats.joined(separator: ", "))) "
            + "alternate; a ratio is the median of the \(steps) paired steps' ratios, quartiles "
            + "after it"))
    print("")
    print(row("", ["Strata", "PyTorch", "ratio"]) + "   quartiles")
    let strataTrain = train[0], strataEval = eval[0]
    for (label, times, strata) in [("train images/s", train, strataTrain),
                                   ("eval images/s", eval, strataEval)] {
      let rate = Double(batch) / median(strata)
      guard !torch.isEmpty else {
        print(row(label, [fmt(rate), "-", "-"]))
        continue
      }
      // PyTorch's faster memory format for this measurement.
      let fastest = (1...torch.count).min { median(times[$0]) < median(times[$1]) }!
      let ratios = zip(times[fastest], strata).map { $0 / $1 }
      let q = quartiles(ratios)
      print(row(label, [fmt(rate), fmt(Double(batch) / median(times[fastest])),
                        fmt(q.median) + "x"]) + "   \(fmt(q.lower))–\(fmt(q.upper)) "
            + "(\(torch[fastest - 1].format))")
    }
    print(row("peak RSS MiB", [fmt(strataPeakMiB), torchPeakMiB.map(fmt) ?? "-",
                               torchPeakMiB.map { fmt(strataPeakMiB / $0) + "x" } ?? "-"]))
    print("buffer pool high-water marks after the warm-up: \(fmt(Double(pool.outstanding) / 1_048_576)) "
          + "MiB in live tensors at once, \(fmt(Double(pool.held) / 1_048_576)) MiB held from the "
          + "system (live + kept for reuse)")
    print("")
    guard branches == 1 else { return }
    let shares = zip(strataTrain, train[train.count - 1]).map { seconds, gflops in
      100 * (Double(batch) / seconds) / (gflops * 1e9 / flopsPerImage)
    }
    let q = quartiles(shares)
    print("Strata training at \(fmt(q.median))% of the ceiling (quartiles \(fmt(q.lower))–"
          + "\(fmt(q.upper))%), the ceiling being \(ceilingLibrary.rawValue)'s sgemm rate of the "
          + "same step over \(fmt(flopsPerImage / 1e6)) MFLOP")
  }

  /// The three convolution settings and Winograd in every pass (folded inference and the stem
  /// included, which no setting asks for) in alternating steps, against direct. Under
  /// ONEDNN_VERBOSE=1, `benchmarks/convolution_passes.py` turns the log into per-pass times and
  /// the `WinogradThresholds` row they support.
  private func compare(_ benchmark: EngineBenchmark) throws {
    let settings: [(label: String, policy: ConvolutionPolicy, thresholds: WinogradThresholds)] = [
      ("direct", .direct, .current), ("winograd", .winograd, .current),
      ("auto", .auto, .current), ("all-wino", .auto, .everywhere),
    ] + (WinogradThresholds.current.channelsLast.isEmpty ? []
         : [("blocked", .auto, WinogradThresholds.current.blocked)])
    let contexts = try settings.map { setting throws in
      try ComputeContext(convolutionPolicy: setting.policy, winogradThresholds: setting.thresholds)
    }
    print("auto's thresholds here: \(WinogradThresholds.current)")
    for (setting, context) in zip(settings, contexts) {
      print(try convolutionSummary(context, label: setting.label))
    }
    let console = Console()
    let bar = Self.stage(console, "train, \(settings.count) settings in turn",
                         benchmark.warmup + benchmark.steps)
    let results = try benchmark.runAlternating(contexts, progress: bar.advance)
    console.finishBar()
    print("")
    print(row("", settings.map(\.label)) + "   (ratios against direct)")
    for (label, rate) in [("train images/s", \EngineBenchmark.Result.trainImagesPerSecond),
                          ("eval images/s", \EngineBenchmark.Result.evalImagesPerSecond)] {
      let direct = results[0][keyPath: rate]
      print(row(label, results.map { fmt($0[keyPath: rate]) })
            + "   " + results.dropFirst().map { fmt($0[keyPath: rate] / direct) + "x" }
              .joined(separator: " "))
    }
  }

  /// A stage's progress on stderr: a bar on a terminal, elsewhere a line per quarter of the
  /// steps, never one endless line of carriage returns.
  static func stage(_ console: Console, _ label: String, _ steps: Int) -> ProgressBar {
    ProgressBar(console: console, label: label, total: steps, unit: "steps",
                linesOffTerminal: true)
  }

  /// Which algorithm each pass of the network's 3x3 stride-1 layers runs under `context`.
  private func convolutionSummary(_ context: ComputeContext, label: String? = nil) throws
    -> String
  {
    var kernels: [String] = []
    let layers = try ([3] + (0..<3).map { 16 << $0 }).map { c throws in
      let layer = Convolution(inChannels: c, outChannels: max(c, 16), kernel: 3, stride: 1,
                              padding: 1)
      let shape = [batch, c, 8, 8]
      let training = try layer.trainingKernels(shape, context: context)
      let names = ConvolutionPass.training.map { training[$0]! }
        + [try layer.fusedInferenceKernel(shape, residual: false, relu: true, context: context)]
      for name in names where !kernels.contains(name) { kernels.append(name) }
      return "\(c)→\(max(c, 16)) " + names.map { $0.contains("wino") ? "W" : "d" }.joined()
    }
    return "convolutions \(label ?? context.convolutionPolicy.rawValue): 3x3 stride-1 layers run "
      + layers.joined(separator: ", ") + " (W Winograd, d direct: forward, backward data, "
      + "backward weights, inference; kernels \(kernels.joined(separator: ", "))); "
      + "the others run direct"
  }

  private func row(_ label: String, _ cells: [String]) -> String {
    label.padding(toLength: 16, withPad: " ", startingAt: 0)
      + cells.map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
  }
}

func fmt(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : "%.2f", x) }

/// Peak resident set of this process (getrusage), in KiB.
func peakResidentKiB() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss
}

/// A script in the repository's `benchmarks/` folder, found from the working directory or the
/// executable's location.
func benchmarkScript(_ name: String) throws -> String {
  var candidates = [FileManager.default.currentDirectoryPath + "/benchmarks/" + name]
  var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  for _ in 0..<6 {
    url.deleteLastPathComponent()
    candidates.append(url.path + "/benchmarks/" + name)
  }
  guard let found = candidates.first(where: FileManager.default.fileExists(atPath:)) else {
    throw ValidationError("benchmarks/\(name) not found; run from the repository root")
  }
  return found
}
