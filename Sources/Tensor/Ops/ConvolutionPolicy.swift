import DNNL

/// The passes of a convolution, each its own oneDNN primitive (and so its own algorithm).
public enum ConvolutionPass: String, Sendable, CaseIterable {
  case forward
  case backwardData = "backward data"
  case backwardWeights = "backward weights"
  /// The forward of evaluation with batch norm folded in (bias, ReLU and residual fused).
  case foldedInference = "folded inference"

  /// The passes a training step runs.
  public static let training: [ConvolutionPass] = [.forward, .backwardData, .backwardWeights]
}

/// Which algorithm each pass of a convolution asks oneDNN for first (`STRATA_CONVOLUTION`).
///
/// oneDNN 2.6's Winograd, F(4×4, 3×3), does a quarter of the direct multiplications but
/// transforms every input and output tile; the channel GEMM between the transforms has to be
/// wide enough to pay for them. Measured per layer and pass on ResNet-32 at batch 128 (AVX-512,
/// README, Performance): Winograd was 1.2–1.8× as fast as direct with 32 and 64 channels in
/// every pass, 2.6–9× slower on the 3-channel stem, and with 16 channels faster only in
/// backward weights (1.3–1.6×; forward up to 1.35× and backward data 1.2–1.5× slower). `auto`
/// follows those measurements, through a table of thresholds per CPU vendor
/// (`WinogradThresholds`; `strata bench engine --compare-convolutions` measures a row).
public enum ConvolutionPolicy: String, Sendable, CaseIterable {
  /// Winograd where it measured faster; the default.
  case auto
  /// Winograd for every pass of every 3×3 stride-1 convolution except folded inference, which
  /// stays direct: the default before `auto`, kept so its results reproduce.
  case winograd
  /// Direct everywhere.
  case direct

  /// The algorithm `pass` of a `kernel`×`kernel` convolution asks for first; `auto` follows
  /// `thresholds` (this CPU's row by default). Winograd falls back to direct where oneDNN has no
  /// kernel for it (any CPU without AVX-512).
  public func algorithm(_ pass: ConvolutionPass, kernel: Int, stride: Int, inChannels: Int,
                        outChannels: Int, thresholds: WinogradThresholds = .current)
    -> ConvolutionAlgorithm
  {
    guard kernel == 3, stride == 1 else { return .direct }
    switch self {
    case .direct: return .direct
    case .winograd: return pass == .foldedInference ? .direct : .winograd
    case .auto:
      return min(inChannels, outChannels) >= thresholds.minimumChannels(pass)
        ? .winograd : .direct
    }
  }

  /// The activation layout `pass` asks for: channels-last where `thresholds` says so for a
  /// direct 3×3 stride-1 layer with one 16-channel block in and out (`auto` only, so results
  /// under `winograd` and `direct` reproduce), else whatever oneDNN prefers (`any`). The caller
  /// checks that the blocked layout around it is 16 wide (AVX-512), so no copy is needed.
  public func activationLayout(_ pass: ConvolutionPass, algorithm: ConvolutionAlgorithm,
                               kernel: Int, stride: Int, inChannels: Int, outChannels: Int,
                               thresholds: WinogradThresholds) -> FormatTag
  {
    self == .auto && algorithm == .direct && kernel == 3 && stride == 1
      && inChannels == 16 && outChannels == 16 && thresholds.channelsLast.contains(pass)
      ? .nhwc : .any
  }
}
