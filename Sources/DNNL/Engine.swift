import CDNNL

/// A oneDNN CPU engine. Strata uses one per process (`Engine.cpu`); every memory object and
/// primitive holds its engine alive.
public final class Engine: @unchecked Sendable {
  let handle: dnnl_engine_t

  public init() throws(DNNLError) {
    var engine: dnnl_engine_t?
    try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
    handle = engine!
  }

  deinit { dnnl_engine_destroy(handle) }
}

/// An in-order execution stream on an engine. Primitives run synchronously on the CPU engine
/// with the OpenMP runtime, so `wait()` is only needed for symmetry with other runtimes.
public final class Stream: @unchecked Sendable {
  let handle: dnnl_stream_t
  public let engine: Engine

  public init(engine: Engine) throws(DNNLError) {
    var stream: dnnl_stream_t?
    try check(dnnl_stream_create(&stream, engine.handle, dnnl_stream_default_flags.rawValue),
              "dnnl_stream_create")
    handle = stream!
    self.engine = engine
  }

  public func wait() throws(DNNLError) {
    try check(dnnl_stream_wait(handle), "dnnl_stream_wait")
  }

  deinit { dnnl_stream_destroy(handle) }
}
