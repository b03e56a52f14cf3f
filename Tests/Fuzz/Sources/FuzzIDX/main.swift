import Data
import FuzzSupport
import Foundation

/// The IDX reader on arbitrary bytes, as images and as labels: it may throw, never crash.
let file = URL(fileURLWithPath: "/dev/shm/strata-fuzz-idx-\(getpid())")

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = bytes(data, size)
  FileManager.default.createFile(atPath: file.path, contents: Foundation.Data(input))
  _ = try? IDXReader.readImages(file)
  _ = try? IDXReader.readLabels(file, classCount: 10)
  return 0
}

@_cdecl("FuzzIDX_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
