import Data
import FuzzSupport

/// The JPEG decoder (TurboJPEG through ImageCodec) on arbitrary bytes: it may throw, never crash.
/// The input gets the JPEG signature when it lacks it, so mutations reach the decoder.
let signature: [UInt8] = [0xFF, 0xD8, 0xFF]

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  var input = Array(bytes(data, size))
  if !input.starts(with: signature) { input = signature + input }
  _ = try? ImageCodec.decode(input, file: "fuzz")
  return 0
}

@_cdecl("FuzzJPEG_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
