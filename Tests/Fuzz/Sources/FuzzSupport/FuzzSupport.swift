/// libFuzzer's driver, called from each harness's entry point. SwiftPM links an executable's
/// `main` to `<Target>_main`, so the harness defines that symbol and hands its arguments to
/// `LLVMFuzzerRunDriver` instead of letting libFuzzer's own `main` run.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

public func runFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
{
  harness = body
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments, body)
}

/// The input as a buffer (libFuzzer may pass a null pointer for an empty input).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
  UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}

/// libFuzzer's archive also references the classic entry point; it forwards to the harness.
nonisolated(unsafe) var harness: (@convention(c) (UnsafePointer<UInt8>?, Int) -> CInt)?

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  harness?(data, size) ?? 0
}
