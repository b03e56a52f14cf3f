import CDNNL

/// An execution argument slot of a primitive (`DNNL_ARG_*`).
public struct Argument: Hashable, Sendable, CustomStringConvertible {
  public let raw: Int32

  public static let src = Argument(raw: DNNL_ARG_SRC)
  public static let src1 = Argument(raw: DNNL_ARG_SRC_1)
  public static let dst = Argument(raw: DNNL_ARG_DST)
  public static let weights = Argument(raw: DNNL_ARG_WEIGHTS)
  public static let bias = Argument(raw: DNNL_ARG_BIAS)
  public static let mean = Argument(raw: DNNL_ARG_MEAN)
  public static let variance = Argument(raw: DNNL_ARG_VARIANCE)
  public static let scale = Argument(raw: DNNL_ARG_SCALE)
  public static let shift = Argument(raw: DNNL_ARG_SHIFT)
  public static let workspace = Argument(raw: DNNL_ARG_WORKSPACE)
  public static let scratchpad = Argument(raw: DNNL_ARG_SCRATCHPAD)
  public static let diffSrc = Argument(raw: DNNL_ARG_DIFF_SRC)
  public static let diffDst = Argument(raw: DNNL_ARG_DIFF_DST)
  public static let diffWeights = Argument(raw: DNNL_ARG_DIFF_WEIGHTS)
  public static let diffBias = Argument(raw: DNNL_ARG_DIFF_BIAS)
  public static let diffScale = Argument(raw: DNNL_ARG_DIFF_SCALE)
  public static let diffShift = Argument(raw: DNNL_ARG_DIFF_SHIFT)
  /// The i-th source of a concat or sum primitive.
  public static func multipleSrc(_ i: Int) -> Argument {
    Argument(raw: DNNL_ARG_MULTIPLE_SRC + Int32(i))
  }

  /// The second operand of the binary post-op at `index` (`DNNL_ARG_ATTR_MULTIPLE_POST_OP(i) |
  /// DNNL_ARG_SRC_1`, a function-like macro Swift cannot import).
  public static func postOpSource(_ index: Int) -> Argument {
    Argument(raw: DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * Int32(index + 1) | DNNL_ARG_SRC_1)
  }

  public var description: String { "arg \(raw)" }
}
