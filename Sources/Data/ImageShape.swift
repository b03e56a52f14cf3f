/// The shape of one image as the engine sees it: channels × height × width (CHW).
public struct ImageShape: Hashable, Sendable, CustomStringConvertible {
  public var channels: Int
  public var height: Int
  public var width: Int

  public init(channels: Int, height: Int, width: Int) {
    precondition(channels > 0 && height > 0 && width > 0, "ImageShape needs positive sizes")
    self.channels = channels
    self.height = height
    self.width = width
  }

  /// Number of values (pixels × channels) in one image.
  public var elementCount: Int { channels * height * width }

  public var description: String { "\(channels)×\(height)×\(width)" }

  /// CIFAR-10/100: 32×32 RGB.
  public static let cifar = ImageShape(channels: 3, height: 32, width: 32)
  /// MNIST and Fashion-MNIST: 28×28 grey.
  public static let mnist = ImageShape(channels: 1, height: 28, width: 28)
}
