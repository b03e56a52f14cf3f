"""PyCIL's CIFAR ResNet (option-A shortcuts) in PyTorch, for Strata's oracle test and benchmark.

Run with Debian's /usr/bin/python3 (python3-torch 1.13). The structure and parameter names map
one to one onto Strata's (`stem.conv.weight` <-> `conv_1_3x3.weight`, ...); `strata_names()`
gives the mapping. Written from the architecture's description (He et al. 2016, option A as
PyCIL's DownsampleA: stride-2 subsampling, zero channels appended).
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


class DownsampleA(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        x = x[:, :, :: self.stride, :: self.stride]
        return torch.cat((x, x.mul(0)), 1)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = DownsampleA(stride) if stride != 1 or inplanes != planes else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)), inplace=True)
        y = self.bn2(self.conv2(y))
        residual = self.downsample(x) if self.downsample is not None else x
        return F.relu(residual + y, inplace=True)


class CifarResNet(nn.Module):
    def __init__(self, depth=32, classes=100, in_channels=3):
        super().__init__()
        n = (depth - 2) // 6
        self.conv = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, inplanes = [], 16
        for stage, (planes, stride) in enumerate([(16, 1), (32, 2), (64, 2)]):
            for b in range(n):
                blocks.append((f"stage{stage + 1}.block{b + 1}",
                               BasicBlock(inplanes, planes, stride if b == 0 else 1)))
                inplanes = planes
        self.block_names = [name for name, _ in blocks]
        self.blocks = nn.ModuleList([m for _, m in blocks])
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)), inplace=True)
        for block in self.blocks:
            x = block(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)

    def strata_names(self):
        """{strata name: tensor} for every parameter and BN running statistic."""
        out = {}
        for name, t in list(self.named_parameters()) + list(self.named_buffers()):
            if name.endswith("num_batches_tracked"):
                continue
            if name.startswith("conv."):
                key = "stem.conv." + name[5:]
            elif name.startswith("bn."):
                key = "stem.bn." + name[3:]
            elif name.startswith("fc."):
                key = "head." + name[3:]
            else:
                _, index, rest = name.split(".", 2)
                key = self.block_names[int(index)] + "." + rest
            out[key] = t
        return out


class ExpandableResNet(nn.Module):
    """MEMO's network (Zhou et al., ICLR 2023) on a CifarResNet, as PyCIL's `AdaptiveNet` and
    Strata's `ExpandableNetwork`: the blocks before `split` are a shared trunk; each of `branches`
    tasks has its own copy of the rest, pooled; the features are concatenated oldest first into
    the classifier `fc`, and `aux_fc` reads the newest branch (its classes + 1 "old" output).
    `split` is a block name ("stage3.block1"), "stem" (everything per branch, DER) or "none"
    (one backbone, no auxiliary head). Every branch but the newest is frozen: requires_grad
    False and eval mode, also while the network trains (PyCIL's MEMO with train_base on and
    train_adaptive off).
    """

    def __init__(self, depth=32, classes=100, branches=1, split="none", in_channels=3):
        super().__init__()
        base = CifarResNet(depth, classes, in_channels)
        stem = nn.Sequential(base.conv, base.bn, nn.ReLU(inplace=True))
        blocks = list(base.blocks)
        if split == "none":
            if branches != 1:
                raise ValueError("split none has one backbone, not %d branches" % branches)
            trunk, body = [stem] + blocks, []
        elif split == "stem":
            trunk, body = [], [stem] + blocks
        else:
            if split not in base.block_names:
                raise ValueError("no block %r; blocks: %s" % (split, base.block_names))
            k = base.block_names.index(split)
            trunk, body = [stem] + blocks[:k], blocks[k:]
        self.trunk = nn.Sequential(*trunk)
        self.branches = nn.ModuleList(
            [copy.deepcopy(nn.Sequential(*body)) for _ in range(branches)] if body else [])
        width = 64 * max(1, branches)
        self.fc = nn.Linear(width, classes)
        self.new_classes = classes // max(1, branches)
        self.aux_fc = nn.Linear(64, self.new_classes + 1) if body else None
        for old in list(self.branches)[:-1]:
            for p in old.parameters():
                p.requires_grad = False

    def train(self, mode=True):
        super().train(mode)
        for old in list(self.branches)[:-1]:
            old.eval()
        return self

    def forward(self, x):
        h = self.trunk(x)
        parts = [b(h) for b in self.branches] if len(self.branches) else [h]
        features = [F.adaptive_avg_pool2d(p, 1).flatten(1) for p in parts]
        logits = self.fc(torch.cat(features, 1) if len(features) > 1 else features[0])
        aux = self.aux_fc(features[-1]) if self.aux_fc is not None else None
        return logits, aux
