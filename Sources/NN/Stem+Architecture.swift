import Tensor

extension Stem {
  /// The stem of `architecture`: 3×3/1 (CIFAR) or 7×7/2 with 3×3/2 max pooling (ImageNet), with
  /// the width multiplier applied.
  public convenience init(_ architecture: ResNetArchitecture, context: ComputeContext) throws {
    let imagenet = architecture.stem == .imagenet
    try self.init(inChannels: architecture.inputChannels, outChannels: architecture.stemChannels,
                  kernel: imagenet ? 7 : 3, stride: imagenet ? 2 : 1, maxPool: imagenet,
                  context: context)
  }
}
