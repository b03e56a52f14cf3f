import ArgumentParser
import Foundation
import NN
import DNNL
import Tensor

/// `strata bench engine`: ResNet-32 training and eval throughput against PyTorch, the sgemm
/// ceiling, and peak memory, all measured in this run.
struct BenchEngine: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "engine",
    abstract: "Benchmark ResNet training against PyTorch and the machine's sgemm ceiling.",
    discussion: """
      Trains ResNet-32 (option A, 100 classes) at batch 128 on synthetic 32x32x3 images: \
      forward, loss, backward and SGD step, median over --steps after --warmup. Then runs \
      benchmarks/torch_train_bench.py (Debian's /usr/bin/python3 with python3-torch) with the \
      same network and thread count, in both memory formats, and keeps PyTorch's faster one.

      3x3 stride-1 convolutions run oneDNN's Winograd kernels where it has them (AVX-512), \
      direct ones otherwise; STRATA_CONVOLUTION=direct turns Winograd off. \
      --compare-convolutions measures both in one run, alternating steps.

      Example: OMP_NUM_THREADS=2 swift run -c release strata bench engine
      """)

  @Option(help: "Images per batch.") var batch = 128
  @Option(help: "Measured steps (medians are reported).") var steps = 20
  @Option(help: "Warm-up steps before measuring.") var warmup = 5
  @Option(help: "CIFAR ResNet depth (6n+2).") var depth = 32
  @Option(help: "Threads for oneDNN (OMP_NUM_THREADS) and PyTorch.") var threads = 2
  @Option(help: "Python with torch for the reference.") var python = "/usr/bin/python3"
  @Option(help: "Rounds of Strata, sgemm and PyTorch in turn; medians are reported.")
  var rounds = 3
  @Flag(help: "Skip the PyTorch reference.") var noReference = false
  @Flag(help: "Compare direct and Winograd convolutions in alternating steps, nothing else.")
  var compareConvolutions = false

  func validate() throws {
    for (name, value, least) in [("--batch", batch, 1), ("--steps", steps, 1),
                                 ("--warmup", warmup, 0), ("--threads", threads, 1),
                                 ("--rounds", rounds, 1)] where value < least {
      throw ValidationError("\(name) must be at least \(least), got \(value)")
    }
    guard depth >= 8, (depth - 2) % 6 == 0 else {
      throw ValidationError("--depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got \(depth)")
    }
  }

  func run() throws {
    let architecture = ResNetArchitecture.cifar(depth: depth, classes: 100)
    let benchmark = EngineBenchmark(architecture: architecture, batch: batch, steps: steps,
                                    warmup: warmup)
    let environment = ProcessInfo.processInfo.environment
    if environment["OMP_NUM_THREADS"] != String(threads) {
      print("note: OMP_NUM_THREADS=\(environment["OMP_NUM_THREADS"] ?? "unset"); oneDNN uses that,"
            + " PyTorch gets --threads \(threads). Set OMP_NUM_THREADS=\(threads) to match.")
    }
    print("Strata: \(architecture.name), batch \(batch), \(steps) steps after \(warmup) warm-up")
    if compareConvolutions { return try compare(benchmark) }
    print(try convolutionSummary(try ComputeContext.shared()))
    let flopsPerImage = try benchmark.trainingFLOPsPerImage()
    let session = try EngineBenchmark.Session(benchmark, context: try ComputeContext.shared())
    var measured: [Round] = []
    var peakMiB = 0.0
    for round in 1...rounds {
      let strata = try benchmark.measure(session) { line in
        FileHandle.standardError.write(Data("\rround \(round)/\(rounds): \(line)   ".utf8))
      }
      FileHandle.standardError.write(Data("\n".utf8))
      // Strata's own peak: read before the sgemm matrices exist (the peak only ever grows).
      if round == 1 { peakMiB = Double(peakResidentKiB()) / 1024 }
      let sgemm = max(SgemmBenchmark.openBLAS(), try SgemmBenchmark.oneDNN())
      // The first round tries PyTorch in both memory formats; later ones use the faster.
      let reference = noReference ? nil
        : try TorchResult.measure(python: python, threads: threads, batch: batch, steps: steps,
                                  warmup: warmup, formats: measured.first?.reference.map { [$0.format] }
                                    ?? TorchResult.formats)
      let result = Round(strata: strata, reference: reference,
                         ceiling: sgemm * 1e9 / flopsPerImage, sgemmGFLOPs: sgemm)
      measured.append(result)
      print(result.summary(round))
    }
    print("")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("training FLOP per image: \(fmt(flopsPerImage / 1e6)) MFLOP; \(cores) cores; "
          + "ceiling = best sgemm (OpenBLAS or oneDNN, n=2048) / FLOP")
    print("medians of \(rounds) rounds; a ratio is the median of the rounds' ratios")
    print("")
    let references = measured.compactMap(\.reference)
    func ratio(_ strata: (Round) -> Double, _ torch: (TorchResult) -> Double) -> String {
      references.isEmpty ? "-"
        : fmt(median(measured.map { strata($0) / torch($0.reference!) })) + "x"
    }
    func torch(_ value: (TorchResult) -> Double) -> String {
      references.isEmpty ? "-" : fmt(median(references.map(value)))
    }
    print(row("", "Strata", "PyTorch", "ratio"))
    print(row("train images/s", fmt(median(measured.map(\.strata.trainImagesPerSecond))),
              torch(\.train), ratio(\.strata.trainImagesPerSecond, \.train)))
    print(row("eval images/s", fmt(median(measured.map(\.strata.evalImagesPerSecond))),
              torch(\.eval), ratio(\.strata.evalImagesPerSecond, \.eval)))
    print(row("peak RSS MiB", fmt(peakMiB), references.isEmpty ? "-"
                : fmt(references.map(\.peakMiB).max()!),
              references.isEmpty ? "-" : fmt(peakMiB / references.map(\.peakMiB).max()!) + "x"))
    print("")
    let share = median(measured.map { 100 * $0.strata.trainImagesPerSecond / $0.ceiling })
    print("Strata training at \(fmt(share))% of the ceiling"
          + (references.first.map { "; PyTorch memory format: \($0.format)" } ?? ""))
  }

  /// One round's measurements, taken back to back so they share the machine's state.
  struct Round {
    var strata: EngineBenchmark.Result
    var reference: TorchResult?
    var ceiling: Double
    var sgemmGFLOPs: Double

    func summary(_ number: Int) -> String {
      var line = "round \(number): Strata train \(fmt(strata.trainImagesPerSecond)), eval "
        + "\(fmt(strata.evalImagesPerSecond)) images/s"
      if let reference {
        line += "; PyTorch (\(reference.format)) train \(fmt(reference.train)), eval "
          + "\(fmt(reference.eval)); ratios \(fmt(strata.trainImagesPerSecond / reference.train))x,"
          + " \(fmt(strata.evalImagesPerSecond / reference.eval))x"
      }
      return line + "; sgemm \(fmt(sgemmGFLOPs)) GFLOP/s, ceiling \(fmt(ceiling)) images/s"
    }
  }

  /// Direct against Winograd convolutions, alternating steps.
  private func compare(_ benchmark: EngineBenchmark) throws {
    let contexts = try [ConvolutionAlgorithm.direct, .winograd].map { algorithm throws in
      try ComputeContext(preferredConvolution: algorithm)
    }
    for context in contexts { print(try convolutionSummary(context)) }
    let results = try benchmark.runAlternating(contexts) { line in
      FileHandle.standardError.write(Data("\r\(line)   ".utf8))
    }
    FileHandle.standardError.write(Data("\n".utf8))
    print("")
    print(row("", "direct", "winograd", "ratio"))
    let (direct, winograd) = (results[0], results[1])
    print(row("train images/s", fmt(direct.trainImagesPerSecond),
              fmt(winograd.trainImagesPerSecond),
              fmt(winograd.trainImagesPerSecond / direct.trainImagesPerSecond) + "x"))
    print(row("eval images/s", fmt(direct.evalImagesPerSecond), fmt(winograd.evalImagesPerSecond),
              fmt(winograd.evalImagesPerSecond / direct.evalImagesPerSecond) + "x"))
  }

  /// Which kernels a 3x3 stride-1 layer of the first stage trains with under `context`.
  private func convolutionSummary(_ context: ComputeContext) throws -> String {
    let layer = Convolution(inChannels: 16, outChannels: 16, kernel: 3, stride: 1, padding: 1)
    let kernels = try layer.trainingKernels([batch, 16, 32, 32], context: context)
    return "convolutions (\(context.preferredConvolution.rawValue) preferred): 3x3 stride-1 layers"
      + " run \(kernels.algorithm.rawValue) (\(kernels.forward) forward, \(kernels.backwardData)"
      + " backward data, \(kernels.backwardWeights) backward weights); the others run direct"
  }

  private func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
    a.padding(toLength: 16, withPad: " ", startingAt: 0)
      + [b, c, d].map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
  }
}

func fmt(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : "%.2f", x) }

/// Peak resident set of this process (getrusage), in KiB.
func peakResidentKiB() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss
}

/// PyTorch's figures from `benchmarks/torch_train_bench.py`, the faster of its two formats.
struct TorchResult {
  var train: Double
  var eval: Double
  var peakMiB: Double
  var format: String

  static let formats = ["channels-last", "contiguous"]

  static func measure(python: String, threads: Int, batch: Int, steps: Int, warmup: Int,
                      formats: [String]) throws -> TorchResult
  {
    let script = try benchmarkScript("torch_train_bench.py")
    var results: [TorchResult] = []
    for format in formats {
      let channelsLast = format == "channels-last" ? 1 : 0
      let output = try runProcess(python, [script, "--threads", "\(threads)", "--batch", "\(batch)",
                                           "--steps", "\(steps)", "--warmup", "\(warmup)",
                                           "--channels-last", "\(channelsLast)"])
      guard let line = output.split(separator: "\n").last,
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let train = json["train_images_per_s"] as? Double,
            let eval = json["eval_images_per_s"] as? Double,
            let peak = json["peak_rss_mib"] as? Double
      else { throw ValidationError("could not read PyTorch's result from: \(output)") }
      results.append(TorchResult(train: train, eval: eval, peakMiB: peak, format: format))
    }
    return results.max { $0.train < $1.train }!
  }
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

func runProcess(_ executable: String, _ arguments: [String]) throws -> String {
  guard let (status, data) = ChildProcess.output(executable, arguments, discardingErrors: false)
  else {
    throw ValidationError("cannot run \(executable); run scripts/install-deps")
  }
  guard status == 0 else {
    throw ValidationError("\(executable) \(arguments.joined(separator: " ")) exited with \(status)")
  }
  return String(decoding: data, as: UTF8.self)
}
