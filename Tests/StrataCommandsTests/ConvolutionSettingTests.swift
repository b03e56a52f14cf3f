import DNNL
import Foundation
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands
import Tensor

/// `STRATA_CONVOLUTION` picks auto, Winograd or direct convolutions per process; anything else stops
/// `strata` before any work with a message naming the variable and the choices.
@Suite struct ConvolutionSettingTests {
  @Test func readsTheThreeSettingsAndNothingElse() throws {
    let read = { (value: String?) throws in
      try ComputeContext.convolutionFromEnvironment(value.map { ["STRATA_CONVOLUTION": $0] } ?? [:])
    }
    #expect(try read(nil) == nil)
    #expect(try read("direct") == .direct)
    #expect(try read("auto") == .auto)
    #expect(try read("Winograd") == .winograd)
    for bad in ["", "fast", "wino", "direct "] {
      #expect(throws: ConvolutionSettingError.self, "\"\(bad)\"") { try read(bad) }
    }
  }

  @Test func anUnknownValueStopsStrataBeforeWork() throws {
    var environment = ProcessInfo.processInfo.environment
    environment["STRATA_CONVOLUTION"] = "fast"
    let result = try StrataTestSupport.ChildProcess.run(
      try StrataExecutable.path(), ["ledger", "--help"], environment: environment)
    #expect(result.status != 0)
    #expect(result.errors.contains(
      "STRATA_CONVOLUTION=fast is not a convolution setting; use one of auto, winograd, direct"),
      "\(result.errors)")
  }

  @Test func theChoiceIsRecordedWithTheOneDNNVersion() throws {
    let provenance = Provenance.current(specText: "{}", seed: 1, context: try ComputeContext.shared())
    let setting = try ComputeContext.convolutionFromEnvironment() ?? .auto
    let expected = Provenance.convolutions(setting, winogradAvailable: LibraryVersion.hasAVX512Core,
                                           thresholds: .current)
    #expect(provenance.libraries["oneDNN"]?.hasSuffix(", \(expected))") == true,
            "\(provenance.libraries) vs \(expected)")
  }

  /// Without AVX-512 every setting runs direct, and the record says so.
  @Test func theRecordSaysWhenWinogradIsUnavailable() {
    #expect(Provenance.convolutions(.auto, winogradAvailable: true) == "convolutions auto")
    #expect(Provenance.convolutions(.winograd, winogradAvailable: false)
      == "convolutions winograd (no Winograd kernels here: all direct)")
    #expect(Provenance.convolutions(.auto, winogradAvailable: false)
      == "convolutions auto (no Winograd kernels here: all direct)")
    #expect(Provenance.convolutions(.direct, winogradAvailable: false) == "convolutions direct")
  }
}
