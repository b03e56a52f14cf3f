#!/usr/bin/python3
"""Strata checkpoints in PyTorch: build the network from the architecture spec a checkpoint
stores, load its weights, and continue in PyTorch. Run with Debian's /usr/bin/python3
(python3-torch 1.13, python3-h5py, python3-numpy).

    import strata_torch
    net, ckpt = strata_torch.load("run.checkpoints/task4.h5")
    net.eval()
    logits = net(images)                    # N x C x H x W float32, normalized like Strata's input
    out = net(images, return_all=True)      # {"logits", "aux_logits", "features"}

    /usr/bin/python3 notebooks-export/strata_torch.py run.checkpoints/checkpoint.h5

Supported: every network Strata trains. Architectures: CIFAR (3x3) and ImageNet (7x7/2 + max
pool) stems, BasicBlock and Bottleneck stages, option-A (subsample, zero channels after the
input's, as PyCIL's DownsampleA) and option-B (1x1 conv + BN) shortcuts, width multiplier, and
plain ConvNets (the MEMO code's conv2/conv4): a conv-block stem and "conv" stages, each block
conv (optional bias) + BN + ReLU + optional kxk/k max pooling.
Splits: one backbone (`none`: Finetune, Replay, iCaRL, Joint), MEMO's shared blocks with one
branch per task, DER's whole-backbone branches (`stem`); the classifier `head` over the branches'
concatenated features (oldest first) and MEMO/DER's auxiliary head `aux_head` on the newest
branch. The state dict's keys are Strata's dotted names (`stage2.block3.conv1.weight`,
`branch2.stage3.block1.bn1.running_mean`, `head.weight`); `num_batches_tracked` is left at 0.
Not carried over: which blocks Strata kept frozen (MEMO/DER freeze all but the newest branch;
set requires_grad and eval() on them yourself), and the optimizer (the checkpoint's `momentum`
dict holds SGD momentum buffers by parameter name for torch.optim.SGD's state).
"""
import argparse
import json
import math

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(width, multiplier):
    """Strata's width after the multiplier: round half away from zero, at least 1."""
    if multiplier == 1:
        return width
    return max(1, int(math.floor(width * multiplier + 0.5)))


def block_plans(arch):
    """[(name, kind, in_channels, width, stride, stage)] of every block after the stem."""
    plans, channels = [], scaled(arch["stemWidth"], arch["widthMultiplier"])
    for s, stage in enumerate(arch["stages"]):
        width = scaled(stage["width"], arch["widthMultiplier"])
        expansion = 4 if stage["block"] == "bottleneck" else 1
        for b in range(stage["blocks"]):
            stride = stage["stride"] if b == 0 else 1
            plans.append((f"stage{s + 1}.block{b + 1}", stage["block"], channels, width, stride,
                          stage))
            channels = width * expansion
    return plans


class ConvBlock(nn.Module):
    """conv (bias as given) -> BN -> ReLU -> optional max pooling: a stem or a plain
    ConvNet's block, as Strata's ConvBlock."""

    def __init__(self, cin, cout, kernel, stride, padding, bias, pool):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, bias=bias)
        self.bn = nn.BatchNorm2d(cout)
        self.pool = nn.MaxPool2d(*pool) if pool is not None else None

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return self.pool(x) if self.pool is not None else x


def conv_block(cin, cout, layout, stride):
    """A conv block from a spec's keys: kernel (3), padding (kernel // 2), bias, maxPool."""
    kernel = layout.get("kernel", 3)
    pool = layout.get("maxPool")
    return ConvBlock(cin, cout, kernel, stride, layout.get("padding", kernel // 2),
                     layout.get("bias", False), (pool, pool, 0) if pool else None)


def Stem(arch):
    out = scaled(arch["stemWidth"], arch["widthMultiplier"])
    if isinstance(arch["stem"], dict):
        return conv_block(arch["inputChannels"], out, arch["stem"], arch["stem"]["stride"])
    imagenet = arch["stem"] == "imagenet"
    kernel = 7 if imagenet else 3
    return ConvBlock(arch["inputChannels"], out, kernel, 2 if imagenet else 1, kernel // 2,
                     False, (3, 2, 1) if imagenet else None)


class Projection(nn.Module):
    """Option B: 1x1 convolution with the block's stride, then batch norm."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv = nn.Conv2d(inplanes, planes, 1, stride, 0, bias=False)
        self.bn = nn.BatchNorm2d(planes)

    def forward(self, x):
        return self.bn(self.conv(x))


class ZeroPadding(nn.Module):
    """Option A: subsample by the stride, then append zero channels (no parameters)."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.pad, self.stride = planes - inplanes, stride

    def forward(self, x):
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, self.pad))


def shortcut(kind, inplanes, planes, stride):
    if inplanes == planes and stride == 1:
        return None
    return ZeroPadding(inplanes, planes, stride) if kind == "A" else Projection(inplanes, planes, stride)


class ResidualBlock(nn.Module):
    """BasicBlock (3x3, 3x3) or Bottleneck (1x1, 3x3 with the stride, 1x1 to 4 x width):
    relu(main + shortcut), as Strata's ResidualBody."""

    def __init__(self, kind, inplanes, width, stride, shortcut_kind):
        super().__init__()
        if kind == "basic":
            layers = [(inplanes, width, 3, stride), (width, width, 3, 1)]
        else:
            layers = [(inplanes, width, 1, 1), (width, width, 3, stride), (width, 4 * width, 1, 1)]
        self.units = len(layers)
        for i, (cin, cout, k, s) in enumerate(layers, 1):
            setattr(self, f"conv{i}", nn.Conv2d(cin, cout, k, s, k // 2, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(cout))
        self.shortcut = shortcut(shortcut_kind, inplanes, layers[-1][1], stride)

    def forward(self, x):
        y = x
        for i in range(1, self.units + 1):
            y = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(y))
            if i < self.units:
                y = F.relu(y)
        skip = self.shortcut(x) if self.shortcut is not None else x
        return F.relu(y + skip)


def add_body(module, arch, indices):
    """Registers body units by index (0 = stem, i = the i-th residual block) on `module` under
    Strata's names (`stem`; `stage1`, a ModuleDict holding `block1`, ...); returns their order."""
    plans, order = block_plans(arch), []
    for i in indices:
        if i == 0:
            module.stem = Stem(arch)
            order.append(("stem", None))
            continue
        name, kind, inplanes, width, stride, layout = plans[i - 1]
        stage, block = name.split(".")
        if not hasattr(module, stage):
            setattr(module, stage, nn.ModuleDict())
        if kind == "conv":
            getattr(module, stage)[block] = conv_block(inplanes, width, layout, stride)
        else:
            getattr(module, stage)[block] = ResidualBlock(kind, inplanes, width, stride,
                                                          arch.get("shortcut", "A"))
        order.append((stage, block))
    return order


def run_body(module, order, x):
    for stage, block in order:
        x = module.stem(x) if block is None else getattr(module, stage)[block](x)
    return x


class Branch(nn.Module):
    """One task's copy of the blocks from the split on."""

    def __init__(self, arch, indices):
        super().__init__()
        self.order = add_body(self, arch, indices)

    def forward(self, x):
        return run_body(self, self.order, x)


class StrataNet(nn.Module):
    """Strata's ExpandableNetwork: shared blocks (plain names), one branch per task from the
    split on (`branch1`, `branch2`, ...), features concatenated oldest first, `head` over all
    classes seen, `aux_head` (new classes + 1 "old") on the newest branch."""

    def __init__(self, arch, split, task_sizes):
        super().__init__()
        plans = block_plans(arch)
        units = 1 + len(plans)
        shared = units if split == "none" else (["stem"] + [p[0] for p in plans]).index(split)
        self.order = add_body(self, arch, range(shared))
        if plans:
            feature_width = plans[-1][3] * (4 if plans[-1][1] == "bottleneck" else 1)
        else:
            feature_width = scaled(arch["stemWidth"], arch["widthMultiplier"])
        self.branch_names = []
        if split != "none":
            for k in range(1, len(task_sizes) + 1):
                setattr(self, f"branch{k}", Branch(arch, range(shared, units)))
                self.branch_names.append(f"branch{k}")
        features = feature_width * max(1, len(self.branch_names))
        self.head = nn.Linear(features, sum(task_sizes))
        self.aux_head = nn.Linear(feature_width, task_sizes[-1] + 1) if self.branch_names else None

    def forward(self, x, return_all=False):
        h = run_body(self, self.order, x)
        if self.branch_names:
            parts = [F.adaptive_avg_pool2d(getattr(self, b)(h), 1).flatten(1)
                     for b in self.branch_names]
        else:
            parts = [F.adaptive_avg_pool2d(h, 1).flatten(1)]
        features = torch.cat(parts, 1)
        logits = self.head(features)
        if not return_all:
            return logits
        aux = self.aux_head(parts[-1]) if self.aux_head is not None else None
        return {"logits": logits, "aux_logits": aux, "features": features}

    def load_strata_state(self, arrays, source="checkpoint"):
        """Loads {dotted name: numpy array}; every name and shape must match both ways."""
        mine = {k: v for k, v in self.state_dict().items() if not k.endswith("num_batches_tracked")}
        missing = sorted(set(mine) - set(arrays))
        unexpected = sorted(set(arrays) - set(mine))
        if missing or unexpected:
            raise ValueError(f"{source}: missing {missing[:5]}, unexpected {unexpected[:5]}")
        for name, value in arrays.items():
            if tuple(mine[name].shape) != value.shape:
                raise ValueError(f"{source}: {name} has shape {value.shape}, the network's is "
                                 f"{tuple(mine[name].shape)}")
        with torch.no_grad():
            for name, value in arrays.items():
                mine[name].copy_(torch.from_numpy(np.ascontiguousarray(value)))


def read_checkpoint(path):
    """The checkpoint as plain Python: attributes, parameters and buffers (one dict, as a state
    dict), momentum, memory and results."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "strata-checkpoint":
            raise ValueError(f"{path}: not a Strata checkpoint (format {f.attrs.get('format')!r})")
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        state = {k: v[()] for k, v in f["parameters"].items()}
        state.update({k: v[()] for k, v in f["buffers"].items()})
        return {
            "attrs": attrs,
            "architecture": json.loads(attrs["architecture"]),
            "run_spec": json.loads(attrs["run_spec"]),
            "split": attrs["split"],
            "task_sizes": [int(n) for n in np.atleast_1d(attrs["task_sizes"])],
            "state": state,
            "momentum": {k: v[()] for k, v in f["momentum"].items()},
            "memory": {k: v[()] for k, v in f["memory"].items()},
            "results": {k: v[()] for k, v in f["results"].items()},
        }


def load(path):
    """(network with the checkpoint's weights and BN statistics, the checkpoint as a dict)."""
    ckpt = read_checkpoint(path)
    net = StrataNet(ckpt["architecture"], ckpt["split"], ckpt["task_sizes"])
    net.load_strata_state(ckpt["state"], source=path)
    return net, ckpt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint")
    args = parser.parse_args()
    net, ckpt = load(args.checkpoint)
    a = ckpt["attrs"]
    done = "finished" if a["task_complete"] else f"{a['epochs_completed']}/{a['task_epochs']} epochs"
    print(f"{a['method']} on {ckpt['architecture']['name']}, split {ckpt['split']}: "
          f"task {a['task']} ({done}), classes {ckpt['task_sizes']}")
    print(f"{sum(p.numel() for p in net.parameters()):,} parameters loaded")
    print(net)


if __name__ == "__main__":
    main()
