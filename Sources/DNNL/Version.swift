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

extension LibraryVersion {
  /// Whether oneDNN runs AVX-512 (core) kernels here: the only ISA with Winograd convolutions in
  /// oneDNN 2.6 on CPUs without the Xeon Phi extensions.
  /// Read once per process, so that every layer's layout choice and the provenance agree.
  public static let hasAVX512Core: Bool = {
    let core = dnnl_cpu_isa_avx512_core.rawValue
    return dnnl_get_effective_cpu_isa().rawValue & core == core
  }()
}
