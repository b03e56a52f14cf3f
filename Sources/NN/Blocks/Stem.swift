import Tensor

/// The first block of a network: a `ConvBlock`. A ResNet's is conv + BN + ReLU (fused), then
/// for ImageNet ResNets a 3×3/2 max pool; a plain ConvNet's is its first conv block.
public typealias Stem = ConvBlock

extension ConvBlock {
  /// A ResNet stem: k×k convolution without bias (padding k/2), He-initialized, with a 3×3/2
  /// max pool (padding 1) when `maxPool`.
  public convenience init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
                          maxPool: Bool, context: ComputeContext) throws
  {
    try self.init(
      inChannels: inChannels, outChannels: outChannels,
      layout: ConvBlockLayout(kernel: kernel, stride: stride, padding: kernel / 2, bias: false,
                              pool: maxPool ? .init(kernel: 3, stride: 2, padding: 1) : nil,
                              initialization: .heNormalFanOut),
      context: context)
  }
}
