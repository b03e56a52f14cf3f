import DNNL
import class Foundation.ProcessInfo
import Synchronization

/// The oneDNN engine and stream every tensor and op of a process runs on.
///
/// oneDNN's CPU engine is stateless apart from its thread pool (OpenMP here, sized by
/// `OMP_NUM_THREADS`), so one context per process is enough; `shared()` creates it on first use.
public final class ComputeContext: Sendable {
  public let engine: Engine
  public let stream: Stream
  /// Which convolution passes try Winograd first (see `ConvolutionPolicy`).
  public let convolutionPolicy: ConvolutionPolicy
  /// OpenMP's thread count for this process (results are bitwise reproducible only at the same
  /// count), read once here so every file records the count the engine ran with.
  public let threads: Int
  /// Where `auto` switches to Winograd: this CPU's row of `WinogradThresholds.table`.
  public let winogradThresholds: WinogradThresholds

  /// `convolutionPolicy` nil: `STRATA_CONVOLUTION` from the environment, else `auto`.
  /// `winogradThresholds` other than this CPU's row are for measuring a new row.
  public init(convolutionPolicy: ConvolutionPolicy? = nil,
              winogradThresholds: WinogradThresholds = .current) throws(DNNLError)
  {
    engine = try Engine()
    stream = try Stream(engine: engine)
    self.convolutionPolicy = convolutionPolicy ?? Self.environmentConvolution
    threads = Self.environmentThreads
    self.winogradThresholds = winogradThresholds
  }

  /// `OMP_NUM_THREADS`, else one thread per processor (OpenMP's default).
  public static var environmentThreads: Int {
    ProcessInfo.processInfo.environment["OMP_NUM_THREADS"].flatMap { Int($0) }.flatMap {
      $0 >= 1 ? $0 : nil
    } ?? ProcessInfo.processInfo.activeProcessorCount
  }

  /// The policy a context takes from this process's environment: `STRATA_CONVOLUTION`, or
  /// `auto` when it is unset (or invalid, which the command line has refused already).
  public static var environmentConvolution: ConvolutionPolicy {
    (try? convolutionFromEnvironment()) ?? .auto
  }

  /// The environment variable that picks `convolutionPolicy` for a process.
  public static let convolutionVariable = "STRATA_CONVOLUTION"

  /// `STRATA_CONVOLUTION` (`auto`, `winograd` or `direct`), nil when unset; an error for others,
  /// which the command line reports before any work (`ComputeContext` itself then ignores them).
  public static func convolutionFromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConvolutionSettingError) -> ConvolutionPolicy? {
    guard let text = environment[convolutionVariable] else { return nil }
    guard let policy = ConvolutionPolicy(rawValue: text.lowercased()) else {
      throw ConvolutionSettingError(value: text)
    }
    return policy
  }

  private static let instance = Mutex<ComputeContext?>(nil)

  /// The process-wide context.
  public static func shared() throws(DNNLError) -> ComputeContext {
    try instance.withLock { (context: inout ComputeContext?) throws(DNNLError) -> ComputeContext in
      if let context { return context }
      let created = try ComputeContext()
      context = created
      return created
    }
  }

  /// Copies `src` into `dst` across layouts (both describe the same logical tensor).
  func reorder(_ src: Memory, into dst: Memory) throws(DNNLError) {
    let primitive = try primitiveCache.reorder(from: src.descriptor, to: dst.descriptor,
                                               engine: engine)
    try primitive.execute(stream, [(.src, src), (.dst, dst)])
  }

  /// Reorder primitives by (source, destination) layout: edges reorder the same shapes every step.
  let primitiveCache = ReorderCache()
}

/// Caches reorder primitives, since building one JIT-compiles a kernel.
final class ReorderCache: Sendable {
  private let entries = Mutex<[(MemoryDescriptor, MemoryDescriptor, Primitive)]>([])

  func reorder(from src: MemoryDescriptor, to dst: MemoryDescriptor, engine: Engine)
    throws(DNNLError) -> Primitive
  {
    if let hit = entries.withLock({ list in list.first { $0.0 == src && $0.1 == dst }?.2 }) {
      return hit
    }
    let primitive = try Primitive(.reorder(from: src, to: dst, engine: engine))
    entries.withLock { $0.append((src, dst, primitive)) }
    return primitive
  }
}

/// `STRATA_CONVOLUTION` holds something other than a policy's name.
public struct ConvolutionSettingError: Error, CustomStringConvertible, Sendable {
  public let value: String
  public var description: String {
    let names = ConvolutionPolicy.allCases.map(\.rawValue).joined(separator: ", ")
    return "\(ComputeContext.convolutionVariable)=\(value) is not a convolution setting; use one of"
      + " \(names)"
  }
}
