import CIL
import FuzzSupport
import Foundation
import NN

/// The run-spec and architecture-spec parsers on arbitrary bytes: they may throw, never crash.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = bytes(data, size)
  let bytes = Foundation.Data(input)
  _ = try? RunSpec.decode(bytes, file: "fuzz.json")
  if let architecture = try? ArchitectureSpec.decode(bytes, file: "fuzz.json") {
    _ = BlockRegistry(architecture).entries.count
  }
  return 0
}

@_cdecl("FuzzSpecs_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
