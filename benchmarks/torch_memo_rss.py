"""Peak RSS of a MEMO run in PyTorch, for comparison with `strata train` on the same spec.

    /usr/bin/time -v /usr/bin/python3 benchmarks/torch_memo_rss.py SPEC.json

Reads the keys of a Strata/PyCIL run spec that shape memory (Fashion-MNIST from Debian's
dataset-fashion-mnist, train_per_class, init_cls/increment, memory_size, epochs, batch_size)
and runs MEMO as PyCIL's models/memo.py does it, in plain PyTorch (PyCIL itself needs
torchvision and tqdm, which Debian's Python lacks): ResNet-32 (option A) at 28x28x1, the
blocks from `split` (default stage3.block1) copied per task from the newest copy, older copies
frozen (requires_grad False) and in eval mode, the trunk training; loss CE + auxiliary CE;
after each task herding exemplars (iCaRL's rule on L2-normalized features, memory_size / seen
classes per class) and a test evaluation in batches. Not a reproduction of accuracies (no
augmentation, no weight aligning): what it measures is memory. Prints the peak RSS (MiB).
"""
import copy, gzip, json, os, resource, sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_resnet_cifar import CifarResNet

ROOT = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(ROOT, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def first_per_class(labels, n):
    keep = []
    for c in range(10):
        keep.extend(np.flatnonzero(labels == c)[:n] if n else np.flatnonzero(labels == c))
    return np.sort(np.array(keep))


class Memo(nn.Module):
    def __init__(self, split):
        super().__init__()
        base = CifarResNet(32, 10, in_channels=1)
        k = base.block_names.index(split)
        blocks = list(base.blocks)
        self.trunk = nn.Sequential(base.conv, base.bn, nn.ReLU(inplace=True), *blocks[:k])
        self.template = nn.Sequential(*blocks[k:])
        self.branches = nn.ModuleList()
        self.fc = None
        self.aux_fc = None

    def add_task(self, seen, new):
        branch = copy.deepcopy(self.branches[-1] if len(self.branches) else self.template)
        for old in self.branches:
            for p in old.parameters():
                p.requires_grad = False
        self.branches.append(branch)
        fc = nn.Linear(64 * len(self.branches), seen)
        if self.fc is not None:
            with torch.no_grad():
                fc.weight[:self.fc.out_features, :self.fc.in_features] = self.fc.weight
                fc.bias[:self.fc.out_features] = self.fc.bias
        self.fc = fc
        self.aux_fc = nn.Linear(64, new + 1)

    def train(self, mode=True):
        super().train(mode)
        for old in list(self.branches)[:-1]:
            old.eval()
        return self

    def forward(self, x):
        h = self.trunk(x)
        features = [F.adaptive_avg_pool2d(b(h), 1).flatten(1) for b in self.branches]
        return self.fc(torch.cat(features, 1)), self.aux_fc(features[-1]), torch.cat(features, 1)


def batches(images, labels, size, shuffle, rng):
    order = rng.permutation(len(images)) if shuffle else np.arange(len(images))
    for s in range(0, len(order), size):
        i = order[s:s + size]
        x = (torch.from_numpy(images[i]).float().div(255).sub(0.2860).div(0.3530)).unsqueeze(1)
        yield x, torch.from_numpy(labels[i].astype(np.int64))


def main(path):
    spec = json.load(open(path))
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(spec.get("seed", 1993))
    rng = np.random.RandomState(spec.get("seed", 1993))
    train_x, train_y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
    test_x, test_y = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
    keep = first_per_class(train_y, spec.get("train_per_class"))
    train_x, train_y = train_x[keep], train_y[keep]
    order = rng.permutation(10)  # PyCIL's class order for the seed; labels mapped to positions
    position = np.argsort(order)
    train_y, test_y = position[train_y], position[test_y]
    init, inc = spec.get("init_cls", 2), spec.get("increment", 2)
    tasks = [init] + [inc] * ((10 - init) // inc)
    batch = spec.get("batch_size", 128)
    net = Memo(spec.get("split", "stage3.block1"))
    ex_x, ex_y = train_x[:0], train_y[:0]
    seen = 0
    for t, new in enumerate(tasks):
        known, seen = seen, seen + new
        net.add_task(seen, new)
        mask = (train_y >= known) & (train_y < seen)
        x, y = np.concatenate([train_x[mask], ex_x]), np.concatenate([train_y[mask], ex_y])
        epochs = spec.get("init_epoch" if t == 0 else "epochs", 1)
        lr = spec.get("init_lr" if t == 0 else "lrate", 0.1)
        params = [p for p in net.parameters() if p.requires_grad]
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=5e-4)
        for _ in range(epochs):
            net.train()
            for xb, yb in batches(x, y, batch, True, rng):
                logits, aux, _ = net(xb)
                aux_y = torch.where(yb >= known, yb - known + 1, torch.zeros_like(yb))
                loss = F.cross_entropy(logits, yb) + (F.cross_entropy(aux, aux_y) if t else 0)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            # Herding (iCaRL): per class, greedily the images whose mean feature is nearest.
            quota = spec.get("memory_size", 2000) // seen
            xs, ys = [], []
            for c in range(seen):
                pool = train_x[train_y == c]
                feats = torch.cat([net(xb)[2] for xb, _ in
                                   batches(pool, np.zeros(len(pool), np.uint8), batch, False, rng)])
                feats = F.normalize(feats, dim=1)
                mean, chosen, running = feats.mean(0), [], torch.zeros_like(feats[0])
                for k in range(1, min(quota, len(pool)) + 1):
                    i = int(((mean - (running + feats) / k) ** 2).sum(1).argmin())
                    chosen.append(i)
                    running += feats[i]
                    feats[i] = float("inf")
                xs.append(pool[chosen])
                ys.append(np.full(len(chosen), c, train_y.dtype))
            ex_x, ex_y = np.concatenate(xs), np.concatenate(ys)
            tm = test_y < seen
            correct = sum(int((net(xb)[0].argmax(1) == yb).sum())
                          for xb, yb in batches(test_x[tm], test_y[tm], batch, False, rng))
        print(f"task {t}: {len(x)} training images, {tm.sum()} test images, "
              f"accuracy {100 * correct / tm.sum():.1f}%, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
