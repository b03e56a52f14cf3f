import DNNL
import Testing
@testable import Tensor

@Suite struct WinogradThresholdsTests {
  /// `auto` with the reference row chooses as it did before the table: Winograd from 32
  /// channels, from 16 in backward weights, never on the stem, never for stride 2 or 1×1.
  @Test func theReferenceRowKeepsTheMeasuredChoice() {
    let reference = WinogradThresholds.reference
    func choice(_ pass: ConvolutionPass, _ channels: Int, stride: Int = 1, kernel: Int = 3)
      -> ConvolutionAlgorithm
    {
      ConvolutionPolicy.auto.algorithm(pass, kernel: kernel, stride: stride,
                                       inChannels: channels, outChannels: max(channels, 16),
                                       thresholds: reference)
    }
    for pass in ConvolutionPass.allCases {
      #expect(choice(pass, 3) == .direct)
      #expect(choice(pass, 32) == .winograd)
      #expect(choice(pass, 64) == .winograd)
      #expect(choice(pass, 64, stride: 2) == .direct)
      #expect(choice(pass, 64, kernel: 1) == .direct)
      #expect(choice(pass, 16) == (pass == .backwardWeights ? .winograd : .direct))
    }
  }

  /// Rows are looked up by `/proc/cpuinfo`'s vendor; unknown vendors take the reference row.
  @Test func rowsFollowTheVendor() {
    #expect(WinogradThresholds.forVendor("GenuineIntel") == .reference)
    #expect(WinogradThresholds.forVendor("AuthenticAMD") == .amd)
    #expect(WinogradThresholds.forVendor("HygonGenuine") == .reference)
    #expect(WinogradThresholds.forVendor(nil) == .reference)
    #expect(WinogradThresholds.cpuVendor("/nonexistent/cpuinfo") == nil)
    #expect(WinogradThresholds.current == .forVendor(WinogradThresholds.cpuVendor()))
  }

  /// `everywhere` asks for Winograd in every pass of every 3×3 stride-1 layer (what
  /// `--compare-convolutions` measures), and only `auto` reads thresholds.
  @Test func thresholdsApplyToAutoOnly() {
    for pass in ConvolutionPass.allCases {
      #expect(ConvolutionPolicy.auto.algorithm(pass, kernel: 3, stride: 1, inChannels: 3,
                                               outChannels: 16, thresholds: .everywhere)
        == .winograd)
      #expect(ConvolutionPolicy.direct.algorithm(pass, kernel: 3, stride: 1, inChannels: 64,
                                                 outChannels: 64, thresholds: .everywhere)
        == .direct)
    }
    #expect(!WinogradThresholds.everywhere.choosesAs(.reference))
    #expect(WinogradThresholds.amd.choosesAs(.amd))
    // Measured apart: on AMD, 16-channel backward weights run direct, unlike the reference.
    #expect(!WinogradThresholds.amd.choosesAs(.reference))
  }

  /// Channels-last is asked for only by `auto`, only for direct 3×3 stride-1 layers with 16
  /// channels in and out, only in the passes the row names; the other settings reproduce.
  @Test func channelsLastOnlyWhereTheRowSays() {
    func layout(_ policy: ConvolutionPolicy = .auto, _ pass: ConvolutionPass = .forward,
                _ algorithm: ConvolutionAlgorithm = .direct, channels: (Int, Int) = (16, 16),
                kernel: Int = 3, stride: Int = 1, row: WinogradThresholds = .amd) -> FormatTag
    {
      policy.activationLayout(pass, algorithm: algorithm, kernel: kernel, stride: stride,
                              inChannels: channels.0, outChannels: channels.1, thresholds: row)
    }
    #expect(layout() == .nhwc)
    #expect(layout(.auto, .backwardWeights) == .nhwc)
    #expect(layout(.auto, .backwardData) == .any)
    #expect(layout(.auto, .foldedInference) == .any)
    #expect(layout(.auto, .forward, .winograd) == .any)
    #expect(layout(channels: (32, 32)) == .any)
    #expect(layout(channels: (3, 16)) == .any)
    #expect(layout(channels: (16, 32), stride: 2) == .any)
    #expect(layout(kernel: 1) == .any)
    #expect(layout(.direct) == .any)
    #expect(layout(.winograd) == .any)
    #expect(layout(row: .reference) == .any)
    #expect(layout(row: WinogradThresholds.amd.blocked) == .any)
    #expect(!WinogradThresholds.amd.choosesAs(WinogradThresholds.amd.blocked))
    #expect(WinogradThresholds.amd.description.hasSuffix(
      "; channels-last forward and backward weights of direct 16-channel layers"))
  }
}
