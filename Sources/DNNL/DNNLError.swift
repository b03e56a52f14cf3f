import CDNNL

/// A failing oneDNN call: which C function, what oneDNN said, and what it was doing.
public struct DNNLError: Error, CustomStringConvertible, Sendable {
  /// The C function that failed, e.g. `dnnl_convolution_forward_desc_init`.
  public let call: String
  /// oneDNN's status, as its name (`invalid_arguments`, `unimplemented`, …).
  public let status: String
  /// What the caller was doing, e.g. `stage1.block1.conv1 forward, src 128x16x32x32`.
  public let context: String

  public var description: String {
    let suffix = context.isEmpty ? "" : " (\(context))"
    return "oneDNN: \(call) failed: \(status)\(suffix)"
  }
}

/// Turns a oneDNN status into a thrown `DNNLError` naming the call.
@inline(__always)
func check(_ status: dnnl_status_t, _ call: StaticString, _ context: @autoclosure () -> String = "")
  throws(DNNLError)
{
  guard status != dnnl_success else { return }
  throw DNNLError(call: "\(call)", status: String(cString: dnnl_status2str(status)),
                  context: context())
}
