import Data
import FuzzSupport

/// The pickle machine on arbitrary bytes: it may throw, never crash or run code.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = bytes(data, size)
  _ = try? PickleReader.load(bytes: Array(input), file: "fuzz")
  return 0
}

@_cdecl("FuzzPickle_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
