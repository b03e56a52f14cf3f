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
  @Flag(help: "Skip the PyTorch reference.") var noReference = false
  @Flag(help: "Compare direct and Winograd convolutions in alternating steps, nothing else.")
  var compareConvolutions = false

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
    let strata = try benchmark.run { line in
      FileHandle.standardError.write(Data("\r\(line)   ".utf8))
    }
    FileHandle.standardError.write(Data("\n".utf8))
    let peakMiB = Double(peakResidentKiB()) / 1024
    let openBLAS = SgemmBenchmark.openBLAS()
    let oneDNN = try SgemmBenchmark.oneDNN()
    let gflops = max(openBLAS, oneDNN)
    let flopsPerImage = try benchmark.trainingFLOPsPerImage()
    let ceiling = gflops * 1e9 / flopsPerImage

    var reference: TorchResult?
    if !noReference {
      reference = try TorchResult.measure(python: python, threads: threads, batch: batch,
                                          steps: steps, warmup: warmup)
    }

    print("")
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; sgemm (n=2048, median):"
          + " OpenBLAS \(fmt(openBLAS)) GFLOP/s, oneDNN \(fmt(oneDNN)) GFLOP/s")
    print("training FLOP per image: \(fmt(flopsPerImage / 1e6)) MFLOP; at the faster sgemm the"
          + " ceiling is \(fmt(ceiling)) images/s")
    print("")
    print(row("", "Strata", "PyTorch", "ratio"))
    print(row("train images/s", fmt(strata.trainImagesPerSecond),
              reference.map { fmt($0.train) } ?? "-",
              reference.map { fmt(strata.trainImagesPerSecond / $0.train) + "x" } ?? "-"))
    print(row("eval images/s", fmt(strata.evalImagesPerSecond),
              reference.map { fmt($0.eval) } ?? "-",
              reference.map { fmt(strata.evalImagesPerSecond / $0.eval) + "x" } ?? "-"))
    print(row("peak RSS MiB", fmt(peakMiB), reference.map { fmt($0.peakMiB) } ?? "-",
              reference.map { fmt(peakMiB / $0.peakMiB) + "x" } ?? "-"))
    print("")
    print("Strata training at \(fmt(100 * strata.trainImagesPerSecond / ceiling))% of the ceiling"
          + (reference.map { "; PyTorch memory format: \($0.format)" } ?? ""))
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

  static func measure(python: String, threads: Int, batch: Int, steps: Int, warmup: Int) throws
    -> TorchResult
  {
    let script = try benchmarkScript("torch_train_bench.py")
    var results: [TorchResult] = []
    for channelsLast in [1, 0] {
      let output = try runProcess(python, [script, "--threads", "\(threads)", "--batch", "\(batch)",
                                           "--steps", "\(steps)", "--warmup", "\(warmup)",
                                           "--channels-last", "\(channelsLast)"])
      guard let line = output.split(separator: "\n").last,
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let train = json["train_images_per_s"] as? Double,
            let eval = json["eval_images_per_s"] as? Double,
            let peak = json["peak_rss_mib"] as? Double
      else { throw ValidationError("could not read PyTorch's result from: \(output)") }
      results.append(TorchResult(train: train, eval: eval, peakMiB: peak,
                                 format: channelsLast == 1 ? "channels-last" : "contiguous"))
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
