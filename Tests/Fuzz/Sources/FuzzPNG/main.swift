import Data
import FuzzSupport

/// The PNG decoder (libpng through ImageCodec) on arbitrary bytes: it may throw, never crash.
/// The input gets the PNG signature when it lacks it, so mutations reach the decoder.
let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  var input = Array(bytes(data, size))
  if !input.starts(with: signature) { input = signature + input }
  _ = try? ImageCodec.decode(input, file: "fuzz")
  return 0
}

@_cdecl("FuzzPNG_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
