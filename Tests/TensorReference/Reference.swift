/// The Float64 reference implementation of every engine op, forward and backward.
///
/// Each op is written as the plain loops of its definition (PyTorch semantics, cited per op), in
/// Float64, with no blocking, no vectorization and no shared state. Tests check every backward
/// here against central finite differences, and the oneDNN Float32 ops are tested against these
/// functions, so this is the one place where "what the op means" is decided.
///
/// Conventions: tensors are row-major; image tensors are NCHW; a backward takes the upstream
/// gradient `dy` (the gradient of a scalar loss with respect to the op's output) and returns the
/// gradients with respect to the op's inputs. Shape misuse traps with a message naming the op.
public enum Reference {}

extension Reference {
  /// The output extent of a sliding window along one axis, as PyTorch's `Conv2d` and
  /// `MaxPool2d` with dilation 1 and `ceil_mode=False`:
  /// `floor((input + 2·padding − kernel) / stride) + 1`.
  public static func windowOutputExtent(input: Int, kernel: Int, stride: Int, padding: Int)
    -> Int
  {
    precondition(kernel >= 1, "window: kernel \(kernel) must be at least 1")
    precondition(stride >= 1, "window: stride \(stride) must be at least 1")
    precondition(padding >= 0, "window: padding \(padding) must not be negative")
    let span = input + 2 * padding - kernel
    precondition(
      span >= 0,
      "window: kernel \(kernel) does not fit an input of \(input) with padding \(padding)")
    return span / stride + 1
  }
}
