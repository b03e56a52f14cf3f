import CDNNL

/// The oneDNN library this process runs with (not the headers it was built against).
public struct LibraryVersion: Sendable, CustomStringConvertible {
  public let major: Int
  public let minor: Int
  public let patch: Int
  /// Threading runtime and ISA, e.g. `cpu_runtime:OpenMP`.
  public let cpuRuntime: String

  public static var current: LibraryVersion {
    let v = dnnl_version().pointee
    let runtime: String
    switch v.cpu_runtime {
    case DNNL_RUNTIME_OMP: runtime = "OpenMP"
    case DNNL_RUNTIME_TBB: runtime = "TBB"
    case DNNL_RUNTIME_SEQ: runtime = "sequential"
    case DNNL_RUNTIME_THREADPOOL: runtime = "threadpool"
    default: runtime = "unknown(\(v.cpu_runtime))"
    }
    return LibraryVersion(major: Int(v.major), minor: Int(v.minor), patch: Int(v.patch),
                          cpuRuntime: runtime)
  }

  public var description: String { "oneDNN \(major).\(minor).\(patch) (\(cpuRuntime))" }
}
