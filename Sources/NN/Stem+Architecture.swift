import Tensor

extension ConvBlock {
  /// The stem of `architecture`: 3×3/1 (CIFAR), 7×7/2 with 3×3/2 max pooling (ImageNet) or a
  /// plain ConvNet's first block, with the width multiplier applied.
  public convenience init(_ architecture: ResNetArchitecture, context: ComputeContext) throws {
    try self.init(inChannels: architecture.inputChannels, outChannels: architecture.stemChannels,
                  layout: architecture.stem.layout, context: context)
  }
}
