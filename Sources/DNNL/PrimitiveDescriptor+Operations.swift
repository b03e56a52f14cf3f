import CDNNL

/// 2-D geometry shared by convolution and pooling: per spatial axis (height, width).
public struct Geometry2D: Sendable {
  public var strides: [Int]
  public var paddingLow: [Int]
  public var paddingHigh: [Int]
  public var kernel: [Int]

  public init(kernel: Int, stride: Int, padding: Int) {
    self.kernel = [kernel, kernel]
    strides = [stride, stride]
    paddingLow = [padding, padding]
    paddingHigh = [padding, padding]
  }
}

extension Array where Element == Int {
  /// As oneDNN dims. An array passed to a `const dnnl_dim_t *` parameter bridges to a pointer to
  /// its whole storage (unlike `&tuple.0`, which may point at a one-element temporary).
  var dnnl: [dnnl_dim_t] { map { dnnl_dim_t($0) } }
}

/// How oneDNN computes a convolution. Winograd (F(4×4, 3×3) in oneDNN 2.6) exists only for 3×3
/// stride-1 kernels and only on some CPUs (AVX-512); creating a descriptor for it elsewhere fails
/// with `unimplemented`, so callers fall back to `.direct`.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
  case direct
  case winograd

  var raw: dnnl_alg_kind_t {
    switch self {
    case .direct: dnnl_convolution_direct
    case .winograd: dnnl_convolution_winograd
    }
  }
}

// Each constructor fills a `dnnl_*_desc_t` and turns it into a primitive descriptor. Backward
// descriptors take the forward one as a hint, as oneDNN requires.
extension PrimitiveDescriptor {
  /// `bias` may be `.zero` for none (ResNet convolutions have none; folded ones do).
  public static func convolutionForward(
    _ kind: PropagationKind, src: MemoryDescriptor, weights: MemoryDescriptor,
    bias: MemoryDescriptor = .zero, dst: MemoryDescriptor, geometry g: Geometry2D,
    attributes: Attributes? = nil, algorithm: ConvolutionAlgorithm = .direct, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_convolution_desc_t()
    var (s, w, b, d) = (src.raw, weights.raw, bias.raw, dst.raw)
    let (st, pl, ph) = (g.strides.dnnl, g.paddingLow.dnnl, g.paddingHigh.dnnl)
    try check(dnnl_convolution_forward_desc_init(&desc, kind.raw, algorithm.raw, &s, &w,
                                                 &b, &d, st, pl, ph),
              "dnnl_convolution_forward_desc_init", "src \(src), weights \(weights)")
    return try create(&desc, attributes: attributes, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "convolution forward, src \(src)")
  }

  public static func convolutionBackwardData(
    diffSrc: MemoryDescriptor, weights: MemoryDescriptor, diffDst: MemoryDescriptor,
    geometry g: Geometry2D, hint: PrimitiveDescriptor, algorithm: ConvolutionAlgorithm = .direct,
    engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_convolution_desc_t()
    var (s, w, d) = (diffSrc.raw, weights.raw, diffDst.raw)
    let (st, pl, ph) = (g.strides.dnnl, g.paddingLow.dnnl, g.paddingHigh.dnnl)
    try check(dnnl_convolution_backward_data_desc_init(&desc, algorithm.raw, &s, &w, &d,
                                                       st, pl, ph),
              "dnnl_convolution_backward_data_desc_init", "diff_src \(diffSrc)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "convolution backward data, diff_src \(diffSrc)")
  }

  public static func convolutionBackwardWeights(
    src: MemoryDescriptor, diffWeights: MemoryDescriptor, diffDst: MemoryDescriptor,
    geometry g: Geometry2D, hint: PrimitiveDescriptor, algorithm: ConvolutionAlgorithm = .direct,
    engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_convolution_desc_t()
    var (s, w, d) = (src.raw, diffWeights.raw, diffDst.raw)
    let (st, pl, ph) = (g.strides.dnnl, g.paddingLow.dnnl, g.paddingHigh.dnnl)
    try check(dnnl_convolution_backward_weights_desc_init(&desc, algorithm.raw, &s, &w,
                                                          nil, &d, st, pl, ph),
              "dnnl_convolution_backward_weights_desc_init", "src \(src)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "convolution backward weights, src \(src)")
  }

  /// Batch normalization flags: scale (γ) and shift (β) as separate arguments, ReLU fused,
  /// or the running statistics used instead of batch statistics (eval mode).
  public struct NormalizationFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let useGlobalStatistics = NormalizationFlags(rawValue: dnnl_use_global_stats.rawValue)
    public static let useScale = NormalizationFlags(rawValue: dnnl_use_scale.rawValue)
    public static let useShift = NormalizationFlags(rawValue: dnnl_use_shift.rawValue)
    public static let fuseReLU = NormalizationFlags(rawValue: dnnl_fuse_norm_relu.rawValue)
  }

  public static func batchNormalizationForward(
    _ kind: PropagationKind, data: MemoryDescriptor, epsilon: Float, flags: NormalizationFlags,
    engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_batch_normalization_desc_t()
    var d = data.raw
    try check(dnnl_batch_normalization_forward_desc_init(&desc, kind.raw, &d, epsilon,
                                                         flags.rawValue),
              "dnnl_batch_normalization_forward_desc_init", "data \(data)")
    return try create(&desc, attributes: nil, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "batch normalization forward, data \(data)")
  }

  public static func batchNormalizationBackward(
    _ kind: PropagationKind, diffData: MemoryDescriptor, data: MemoryDescriptor, epsilon: Float,
    flags: NormalizationFlags, hint: PrimitiveDescriptor, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_batch_normalization_desc_t()
    var (dd, d) = (diffData.raw, data.raw)
    try check(dnnl_batch_normalization_backward_desc_init(&desc, kind.raw, &dd, &d, epsilon,
                                                          flags.rawValue),
              "dnnl_batch_normalization_backward_desc_init", "data \(data)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "batch normalization backward, data \(data)")
  }

  /// ReLU forward (alpha 0: the plain max(x, 0)); `fromOutput` prepares a backward from dst.
  public static func reluForward(_ kind: PropagationKind, data: MemoryDescriptor,
                                 fromOutput: Bool = false, engine: Engine)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    var desc = dnnl_eltwise_desc_t()
    var d = data.raw
    let algorithm = fromOutput ? dnnl_eltwise_relu_use_dst_for_bwd : dnnl_eltwise_relu
    try check(dnnl_eltwise_forward_desc_init(&desc, kind.raw, algorithm, &d, 0, 0),
              "dnnl_eltwise_forward_desc_init", "relu, data \(data)")
    return try create(&desc, attributes: nil, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "relu forward, data \(data)")
  }

  /// ReLU backward from the forward input, or (`fromOutput`) from the forward output, which is
  /// what a ReLU fused as a post-op leaves behind.
  public static func reluBackward(diffData: MemoryDescriptor, data: MemoryDescriptor,
                                  fromOutput: Bool = false, hint: PrimitiveDescriptor,
                                  engine: Engine)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    var desc = dnnl_eltwise_desc_t()
    var (dd, d) = (diffData.raw, data.raw)
    let algorithm = fromOutput ? dnnl_eltwise_relu_use_dst_for_bwd : dnnl_eltwise_relu
    try check(dnnl_eltwise_backward_desc_init(&desc, algorithm, &dd, &d, 0, 0),
              "dnnl_eltwise_backward_desc_init", "relu, data \(data)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "relu backward, data \(data)")
  }

  public enum PoolingAlgorithm: Sendable {
    case max, averageExcludingPadding

    var raw: dnnl_alg_kind_t {
      switch self {
      case .max: dnnl_pooling_max
      case .averageExcludingPadding: dnnl_pooling_avg_exclude_padding
      }
    }
  }

  public static func poolingForward(
    _ kind: PropagationKind, _ algorithm: PoolingAlgorithm, src: MemoryDescriptor,
    dst: MemoryDescriptor, geometry g: Geometry2D, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_pooling_desc_t()
    var (s, d) = (src.raw, dst.raw)
    let (st, k, pl, ph) = (g.strides.dnnl, g.kernel.dnnl, g.paddingLow.dnnl, g.paddingHigh.dnnl)
    try check(dnnl_pooling_forward_desc_init(&desc, kind.raw, algorithm.raw, &s, &d, st, k,
                                             pl, ph),
              "dnnl_pooling_forward_desc_init", "src \(src)")
    return try create(&desc, attributes: nil, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "pooling forward, src \(src)")
  }

  public static func poolingBackward(
    _ algorithm: PoolingAlgorithm, diffSrc: MemoryDescriptor, diffDst: MemoryDescriptor,
    geometry g: Geometry2D, hint: PrimitiveDescriptor, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_pooling_desc_t()
    var (s, d) = (diffSrc.raw, diffDst.raw)
    let (st, k, pl, ph) = (g.strides.dnnl, g.kernel.dnnl, g.paddingLow.dnnl, g.paddingHigh.dnnl)
    try check(dnnl_pooling_backward_desc_init(&desc, algorithm.raw, &s, &d, st, k, pl,
                                              ph),
              "dnnl_pooling_backward_desc_init", "diff_src \(diffSrc)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "pooling backward, diff_src \(diffSrc)")
  }

  /// Inner product (a linear layer): dst[N, O] = src[N, I] · weightsᵀ + bias.
  public static func innerProductForward(
    _ kind: PropagationKind, src: MemoryDescriptor, weights: MemoryDescriptor,
    bias: MemoryDescriptor, dst: MemoryDescriptor, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_inner_product_desc_t()
    var (s, w, b, d) = (src.raw, weights.raw, bias.raw, dst.raw)
    try check(dnnl_inner_product_forward_desc_init(&desc, kind.raw, &s, &w, &b, &d),
              "dnnl_inner_product_forward_desc_init", "src \(src), weights \(weights)")
    return try create(&desc, attributes: nil, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "inner product forward, src \(src)")
  }

  public static func innerProductBackwardData(
    diffSrc: MemoryDescriptor, weights: MemoryDescriptor, diffDst: MemoryDescriptor,
    hint: PrimitiveDescriptor, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_inner_product_desc_t()
    var (s, w, d) = (diffSrc.raw, weights.raw, diffDst.raw)
    try check(dnnl_inner_product_backward_data_desc_init(&desc, &s, &w, &d),
              "dnnl_inner_product_backward_data_desc_init", "diff_src \(diffSrc)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "inner product backward data")
  }

  public static func innerProductBackwardWeights(
    src: MemoryDescriptor, diffWeights: MemoryDescriptor, diffBias: MemoryDescriptor,
    diffDst: MemoryDescriptor, hint: PrimitiveDescriptor, engine: Engine
  ) throws(DNNLError) -> PrimitiveDescriptor {
    var desc = dnnl_inner_product_desc_t()
    var (s, w, b, d) = (src.raw, diffWeights.raw, diffBias.raw, diffDst.raw)
    try check(dnnl_inner_product_backward_weights_desc_init(&desc, &s, &w, &b, &d),
              "dnnl_inner_product_backward_weights_desc_init", "src \(src)")
    return try create(&desc, attributes: nil, engine: engine, hint: hint,
                      "dnnl_primitive_desc_create", "inner product backward weights")
  }

  /// Element-wise `dst = src0 + src1` (a residual add; also used with a post-op ReLU).
  public static func binaryAdd(src0: MemoryDescriptor, src1: MemoryDescriptor,
                               dst: MemoryDescriptor, attributes: Attributes? = nil,
                               engine: Engine) throws(DNNLError) -> PrimitiveDescriptor
  {
    try binary(dnnl_binary_add, "add", src0: src0, src1: src1, dst: dst, attributes: attributes,
               engine: engine)
  }

  /// dst = src0 · src1, `src1` broadcast along its axes of size 1 (a per-channel scale is
  /// `[1, C, 1, 1]`).
  public static func binaryMultiply(src0: MemoryDescriptor, src1: MemoryDescriptor,
                                    dst: MemoryDescriptor, engine: Engine)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    try binary(dnnl_binary_mul, "multiply", src0: src0, src1: src1, dst: dst, attributes: nil,
               engine: engine)
  }

  private static func binary(_ kind: dnnl_alg_kind_t, _ name: String, src0: MemoryDescriptor,
                             src1: MemoryDescriptor, dst: MemoryDescriptor,
                             attributes: Attributes?, engine: Engine)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    var desc = dnnl_binary_desc_t()
    var (a, b, d) = (src0.raw, src1.raw, dst.raw)
    try check(dnnl_binary_desc_init(&desc, kind, &a, &b, &d),
              "dnnl_binary_desc_init", "\(name), src0 \(src0), src1 \(src1)")
    return try create(&desc, attributes: attributes, engine: engine, hint: nil,
                      "dnnl_primitive_desc_create", "binary \(name), src0 \(src0)")
  }

  /// Concatenation along `axis`; `dst` may be `.zero` to let oneDNN choose its layout.
  public static func concat(dst: MemoryDescriptor, axis: Int, sources: [MemoryDescriptor],
                            engine: Engine) throws(DNNLError) -> PrimitiveDescriptor
  {
    var pd: dnnl_primitive_desc_t?
    var d = dst.raw
    var srcs = sources.map(\.raw)
    let attributes = try Attributes()
    let status = withUnsafePointer(to: &d) { dp in
      dnnl_concat_primitive_desc_create(&pd, dst.isZero ? nil : dp, Int32(sources.count),
                                        Int32(axis), &srcs, attributes.handle, engine.handle)
    }
    try check(status, "dnnl_concat_primitive_desc_create",
              "\(sources.count) sources on axis \(axis)")
    return PrimitiveDescriptor(handle: pd!, engine: engine, label: "concat on axis \(axis)")
  }

  /// Copy between two layouts of the same logical tensor.
  public static func reorder(from src: MemoryDescriptor, to dst: MemoryDescriptor, engine: Engine)
    throws(DNNLError) -> PrimitiveDescriptor
  {
    var pd: dnnl_primitive_desc_t?
    var (s, d) = (src.raw, dst.raw)
    let attributes = try Attributes()
    try check(dnnl_reorder_primitive_desc_create(&pd, &s, engine.handle, &d, engine.handle,
                                                 attributes.handle),
              "dnnl_reorder_primitive_desc_create", "\(src) -> \(dst)")
    return PrimitiveDescriptor(handle: pd!, engine: engine, label: "reorder \(src) -> \(dst)")
  }
}
