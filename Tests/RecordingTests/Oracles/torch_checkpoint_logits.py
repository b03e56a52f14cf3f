#!/usr/bin/python3
"""Oracle for TorchCheckpointTests: loads a Strata checkpoint with notebooks-export/strata_torch.py
and runs a batch through the PyTorch network in eval mode. Debian's /usr/bin/python3 (torch, h5py).

    torch_checkpoint_logits.py NOTEBOOKS_EXPORT_DIR CHECKPOINT BATCH.h5 OUT.h5

BATCH.h5 holds `images` (N x C x H x W float32); OUT.h5 gets `logits`, `features` and, for
expandable networks, `aux_logits`. Exits with 3 when torch or h5py is missing.
"""
import sys

try:
    import h5py
    import torch
except ModuleNotFoundError as error:
    print(f"ModuleNotFoundError: {error}", file=sys.stderr)
    sys.exit(3)


def main():
    export_dir, checkpoint, batch, out = sys.argv[1:5]
    sys.path.insert(0, export_dir)
    import strata_torch

    torch.set_num_threads(1)
    net, _ = strata_torch.load(checkpoint)
    net.eval()
    with h5py.File(batch, "r") as f:
        images = torch.from_numpy(f["images"][()])
    with torch.no_grad():
        result = net(images, return_all=True)
    with h5py.File(out, "w") as f:
        for name, value in result.items():
            if value is not None:
                f[name] = value.numpy()


if __name__ == "__main__":
    main()
