"""One SGD training step of PyCIL's CIFAR ResNet in PyTorch: the oracle of TorchOracleTests.

Usage: /usr/bin/python3 torch_step.py DIR MODEL_PY

DIR/input.json indexes DIR/input.bin (raw little-endian float32): every parameter and buffer by
Strata name, the input batch `input` [N, 3, H, W], plus `labels`, `depth`, `classes` and the
optimizer settings. MODEL_PY is benchmarks/torch_resnet_cifar.py (the model and its
`strata_names()` mapping), or a file with `build(index)` such as torch_convnet.py. The script loads the tensors, runs one forward in train mode, mean
cross-entropy, backward and one torch.optim.SGD step, and writes DIR/output.json + output.bin
in the same format:

  logits, grad/<name> (before the step), param/<name> (after it), momentum/<name> (the
  optimizer's buffer), buffer/<name> (BN running statistics after the forward)

once in float32 (the oracle) and once more with the prefix `f64/` from a float64 copy of the
same model (the exact answer up to float64 rounding, for the report). Exit status 3: a module
is missing (run scripts/install-deps).
"""
import importlib.util
import json
import os
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ModuleNotFoundError as error:  # the Swift side turns status 3 into a visible failure
    print(f"torch_step.py: {error}; run scripts/install-deps (python3-torch, python3-numpy)",
          file=sys.stderr)
    sys.exit(3)


def read_exchange(directory, stem):
    with open(os.path.join(directory, stem + ".json")) as f:
        index = json.load(f)
    raw = np.fromfile(os.path.join(directory, stem + ".bin"), dtype="<f4")
    tensors = {}
    for entry in index["tensors"]:
        start, count = entry["offset"], entry["count"]
        if start + count > raw.size:
            raise SystemExit(f"{stem}.bin too short for {entry['name']}")
        tensors[entry["name"]] = raw[start:start + count].reshape(entry["shape"])
    return index, tensors


def write_exchange(directory, stem, tensors, extra):
    entries, chunks, offset = [], [], 0
    for name, value in tensors.items():
        array = np.ascontiguousarray(value.detach().cpu().numpy(), dtype="<f4")
        entries.append({"name": name, "shape": list(array.shape), "offset": offset,
                        "count": int(array.size)})
        chunks.append(array.reshape(-1))
        offset += array.size
    np.concatenate(chunks).astype("<f4").tofile(os.path.join(directory, stem + ".bin"))
    with open(os.path.join(directory, stem + ".json"), "w") as f:
        json.dump(dict(extra, tensors=entries), f)


def step(module, index, tensors, dtype):
    """Loads the Strata tensors into a fresh model of `dtype`, trains one step, returns results."""
    torch.manual_seed(0)
    # A model file with build(index) (torch_convnet.py) builds its own network.
    if hasattr(module, "build"):
        model = module.build(index).to(dtype)
    else:
        model = module.CifarResNet(depth=index["depth"], classes=index["classes"]).to(dtype)
    named = model.strata_names()
    given = {name for name in tensors if name != "input"}
    if set(named) != given:
        raise SystemExit("name mismatch: only in Strata "
                         f"{sorted(given - set(named))}, only in PyTorch "
                         f"{sorted(set(named) - given)}")
    with torch.no_grad():
        for name, tensor in named.items():
            value = torch.from_numpy(tensors[name].copy()).to(dtype)
            if tuple(value.shape) != tuple(tensor.shape):
                raise SystemExit(f"{name}: Strata shape {tuple(value.shape)}, "
                                 f"PyTorch {tuple(tensor.shape)}")
            tensor.copy_(value)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=index["learning_rate"],
                                momentum=index["momentum"], weight_decay=index["weight_decay"])
    x = torch.from_numpy(tensors["input"].copy()).to(dtype)
    labels = torch.tensor(index["labels"], dtype=torch.long)
    optimizer.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    parameters = {name: t for name, t in named.items() if isinstance(t, torch.nn.Parameter)}
    out = {"logits": logits}
    for name, p in parameters.items():
        out["grad/" + name] = p.grad.clone()
    optimizer.step()
    for name, p in parameters.items():
        out["param/" + name] = p.detach().clone()
        out["momentum/" + name] = optimizer.state[p]["momentum_buffer"].clone()
    for name, t in named.items():
        if not isinstance(t, torch.nn.Parameter):
            out["buffer/" + name] = t.clone()
    return float(loss.item()), out


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    directory, model_path = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("torch_resnet_cifar", model_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.set_num_threads(1)
    index, tensors = read_exchange(directory, "input")
    loss32, out32 = step(module, index, tensors, torch.float32)
    loss64, out64 = step(module, index, tensors, torch.float64)
    results = dict(out32)
    results.update({"f64/" + k: v for k, v in out64.items()})
    write_exchange(directory, "output", results,
                   {"loss": loss32, "f64/loss": loss64, "torch": torch.__version__})


if __name__ == "__main__":
    main()
