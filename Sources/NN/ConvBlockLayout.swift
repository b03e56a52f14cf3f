/// The shape of a plain convolution block: a k×k convolution (stride, padding, optional bias),
/// batch norm, ReLU, then optional max pooling. A ResNet's stem is one (3×3/1 for CIFAR; 7×7/2
/// with 3×3/2 pooling for ImageNet), and so is every block of the MEMO code's plain ConvNets
/// (`conv2`, `conv4`: 3×3 or 7×7/2 convolutions with bias, each followed by 2×2 max pooling).
public struct ConvBlockLayout: Sendable, Equatable {
  /// Max pooling after the ReLU; PyTorch's `MaxPool2d(k)` is kernel = stride = k, padding 0.
  public struct MaxPool: Sendable, Equatable {
    public var kernel: Int
    public var stride: Int
    public var padding: Int

    public init(kernel: Int, stride: Int, padding: Int = 0) {
      self.kernel = kernel
      self.stride = stride
      self.padding = padding
    }

    /// Output side for an input side `n` (floor, as PyTorch and oneDNN).
    public func output(_ n: Int) -> Int { (n + 2 * padding - kernel) / stride + 1 }
  }

  public var kernel: Int
  public var stride: Int
  public var padding: Int
  public var bias: Bool
  public var pool: MaxPool?
  /// He normal with fan-out (ResNets) or PyTorch's default (the plain ConvNets).
  public var initialization: Initialization.Scheme

  public init(kernel: Int, stride: Int, padding: Int, bias: Bool, pool: MaxPool?,
              initialization: Initialization.Scheme)
  {
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.bias = bias
    self.pool = pool
    self.initialization = initialization
  }

  /// Side of the convolution's output for an input side `n` (floor).
  public func convolutionOutput(_ n: Int) -> Int { (n + 2 * padding - kernel) / stride + 1 }

  /// Side of the block's output (after pooling) for an input side `n`.
  public func output(_ n: Int) -> Int {
    let c = convolutionOutput(n)
    return pool.map { $0.output(c) } ?? c
  }

  /// `3×3/1`, `7×7/2 p3, bias, max pool 2×2/2`: for tables and summaries.
  public var summary: String {
    var text = "\(kernel)×\(kernel)/\(stride)"
    if padding != kernel / 2 { text += " p\(padding)" }
    if bias { text += ", bias" }
    if let pool {
      text += ", max pool \(pool.kernel)×\(pool.kernel)/\(pool.stride)"
        + (pool.padding == 0 ? "" : " p\(pool.padding)")
    }
    return text
  }
}
