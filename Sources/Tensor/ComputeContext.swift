import DNNL
import Synchronization

/// The oneDNN engine and stream every tensor and op of a process runs on.
///
/// oneDNN's CPU engine is stateless apart from its thread pool (OpenMP here, sized by
/// `OMP_NUM_THREADS`), so one context per process is enough; `shared()` creates it on first use.
public final class ComputeContext: Sendable {
  public let engine: Engine
  public let stream: Stream

  public init() throws(DNNLError) {
    engine = try Engine()
    stream = try Stream(engine: engine)
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
