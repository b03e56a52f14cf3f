import Data
import FuzzSupport
import Foundation

/// The CIFAR binary and python-pickle readers on arbitrary bytes: they may throw, never crash.
let file = URL(fileURLWithPath: "/dev/shm/strata-fuzz-cifar-\(getpid())")

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = bytes(data, size)
  FileManager.default.createFile(atPath: file.path, contents: Foundation.Data(input))
  _ = try? CIFARReader.readBinary(file, variant: .cifar10)
  _ = try? CIFARReader.readBinary(file, variant: .cifar100)
  _ = try? CIFARReader.readPython(file, variant: .cifar100)
  return 0
}

@_cdecl("FuzzCIFAR_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { fuzz($0, $1) }
}
