"""The MEMO code's plain ConvNets in PyTorch, for TorchConvNetOracleTests: `conv2` (CIFAR, two
blocks 3 -> 64 -> 64) and `conv4` (ImageNet, a 7x7/2 block 3 -> 128, two 3x3 blocks 128 -> 128,
one 3x3 block 128 -> 512). Each block is Conv2d with bias -> BatchNorm2d -> ReLU -> MaxPool2d(2),
as convs/conv_cifar.py and convs/conv_imagenet.py of the MEMO code build them; average pooling
over the whole last map (their AvgPool2d(8) / AvgPool2d(7)) and a linear classifier follow.

Written from the published structure for the oracle, with `strata_names()` mapping Strata's
dotted names to the tensors, and `build(index)` for torch_step.py.
"""
import torch.nn as nn

# (width, kernel, stride, padding) per block.
LAYOUTS = {
    "conv2": [(64, 3, 1, 1), (64, 3, 1, 1)],
    "conv4": [(128, 7, 2, 3), (128, 3, 1, 1), (128, 3, 1, 1), (512, 3, 1, 1)],
}
# Strata's block names: the first block is the stem; MEMO's split is the last stage.
NAMES = {
    "conv2": ["stem", "stage1.block1"],
    "conv4": ["stem", "stage1.block1", "stage1.block2", "stage2.block1"],
}


class ConvNet(nn.Module):
    def __init__(self, kind, in_channels, classes):
        super().__init__()
        self.kind = kind
        blocks, channels = [], in_channels
        for width, kernel, stride, padding in LAYOUTS[kind]:
            blocks.append(nn.Sequential(nn.Conv2d(channels, width, kernel, stride, padding),
                                        nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)))
            channels = width
        self.encoder = nn.Sequential(*blocks)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.encoder(x)
        x = nn.functional.avg_pool2d(x, x.shape[-2:])
        return self.fc(x.flatten(1))

    def strata_names(self):
        names = {}
        for name, block in zip(NAMES[self.kind], self.encoder):
            conv, bn = block[0], block[1]
            names.update({f"{name}.conv.weight": conv.weight, f"{name}.conv.bias": conv.bias,
                          f"{name}.bn.weight": bn.weight, f"{name}.bn.bias": bn.bias,
                          f"{name}.bn.running_mean": bn.running_mean,
                          f"{name}.bn.running_var": bn.running_var})
        names.update({"head.weight": self.fc.weight, "head.bias": self.fc.bias})
        return names


def build(index):
    return ConvNet(index["kind"], index["in_channels"], index["classes"])
