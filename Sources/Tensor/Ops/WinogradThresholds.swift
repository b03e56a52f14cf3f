import DNNL
import Foundation

/// The fewest channels (the smaller of in and out) with which `ConvolutionPolicy.auto` asks for
/// Winograd, per pass, for one kind of CPU.
///
/// Where Winograd F(4×4, 3×3) pays depends on the CPU's caches and AVX-512 units, so `auto`
/// looks its thresholds up by vendor (`table`). A row is measured with `strata bench engine
/// --compare-convolutions` piped into `benchmarks/convolution_passes.py`, which prints the row
/// that run supports. The choice is recorded with the setting in every file's provenance
/// whenever it is not the `reference` row.
public struct WinogradThresholds: Sendable, Equatable, CustomStringConvertible {
  /// The CPU kind the row was measured on, e.g. `intel-avx512`.
  public let name: String
  public let forward: Int
  public let backwardData: Int
  public let backwardWeights: Int
  public let foldedInference: Int
  /// Training passes whose direct 3×3 stride-1 layers with one block of 16 channels (in and
  /// out) run channels-last (`nhwc`) under `auto` on AVX-512. There `nhwc` and the blocked
  /// `nChw16c` of the neighbouring layers are the same bytes, so the choice costs no copy, and
  /// oneDNN 2.6 has its brgemm forward kernel only for `nhwc`.
  public let channelsLast: Set<ConvolutionPass>

  public init(name: String, forward: Int, backwardData: Int, backwardWeights: Int,
              foldedInference: Int, channelsLast: Set<ConvolutionPass> = [])
  {
    self.name = name
    self.forward = forward
    self.backwardData = backwardData
    self.backwardWeights = backwardWeights
    self.foldedInference = foldedInference
    self.channelsLast = channelsLast
  }

  public func minimumChannels(_ pass: ConvolutionPass) -> Int {
    switch pass {
    case .forward: forward
    case .backwardData: backwardData
    case .backwardWeights: backwardWeights
    case .foldedInference: foldedInference
    }
  }

  /// The row `auto` was first measured with (2 vCPUs of an Intel Xeon with AVX-512, ResNet-32
  /// at batch 128; README, Performance): Winograd 1.2–1.8× as fast as direct from 32 channels
  /// in every pass, 2.6–9× slower on the 3-channel stem, and with 16 channels faster only in
  /// backward weights.
  public static let reference = WinogradThresholds(
    name: "intel-avx512", forward: 32, backwardData: 32, backwardWeights: 16, foldedInference: 32)

  /// AMD EPYC (family 25, model 17: Zen 4) with AVX-512, measured with `--compare-convolutions`
  /// alone on the machine (2026-12-07, ResNet-32 at batch 128, per-pass times from oneDNN's
  /// verbose log): as Intel's, except that backward weights with 16 channels ran faster direct
  /// (3.27 ms) than Winograd (3.49 ms), so Winograd starts at 32 channels in every pass.
  /// The 16-channel layers run forward and backward weights channels-last (2026-12-08: oneDNN's
  /// kernels alone at batch 128 on 32×32, forward 3.61 ms `nhwc` brgemm against 4.69 blocked,
  /// backward weights 3.21 against 3.88; backward data 3.36 against 3.30, so it stays blocked).
  /// In whole training steps the gain is smaller: 1.01–1.09× (median 1.03×, six
  /// `--compare-convolutions` runs against this row's `blocked`).
  public static let amd = WinogradThresholds(
    name: "amd-avx512", forward: 32, backwardData: 32, backwardWeights: 32, foldedInference: 32,
    channelsLast: [.forward, .backwardWeights])

  /// Rows by CPU vendor (`/proc/cpuinfo`'s `vendor_id`); other vendors take `reference`.
  public static let table: [String: WinogradThresholds] = [
    "GenuineIntel": reference,
    "AuthenticAMD": amd,
  ]

  /// Winograd in every pass of every 3×3 stride-1 layer, folded inference included: what
  /// `--compare-convolutions` measures against direct to find a new row.
  public static let everywhere = WinogradThresholds(
    name: "everywhere", forward: 0, backwardData: 0, backwardWeights: 0, foldedInference: 0)

  /// The row for this machine's CPU.
  public static let current: WinogradThresholds = forVendor(cpuVendor())

  public static func forVendor(_ vendor: String?) -> WinogradThresholds {
    vendor.flatMap { table[$0] } ?? reference
  }

  /// `vendor_id` of the first processor in `/proc/cpuinfo`; nil where there is none (not Linux).
  static func cpuVendor(_ path: String = "/proc/cpuinfo") -> String? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("vendor_id") {
      return line.split(separator: ":", maxSplits: 1).last?
        .trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  /// Whether `auto` picks the same algorithms and layouts with both rows (the names aside).
  public func choosesAs(_ other: WinogradThresholds) -> Bool {
    ConvolutionPass.allCases.allSatisfy { minimumChannels($0) == other.minimumChannels($0) }
      && channelsLast == other.channelsLast
  }

  public var description: String {
    "\(name): Winograd from \(forward) channels in forward, \(backwardData) in backward data, "
      + "\(backwardWeights) in backward weights, \(foldedInference) in folded inference"
      + (channelsLast.isEmpty ? "" : "; channels-last "
         + ConvolutionPass.training.filter(channelsLast.contains).map(\.rawValue)
           .joined(separator: " and ") + " of direct 16-channel layers")
  }

  /// This row without channels-last layers: what `auto` chose before they were measured.
  public var blocked: WinogradThresholds {
    WinogradThresholds(name: name + "-blocked", forward: forward, backwardData: backwardData,
                       backwardWeights: backwardWeights, foldedInference: foldedInference)
  }
}
