"""Recomputes CKA outside Strata from an activation export (Debian's /usr/bin/python3: h5py,
numpy, xarray) with the NumPy minibatch CKA of Tests/ProbesTests/Oracles/cka_numpy.py, and prints
JSON: {"cka": {"<task>/<subset>/<block>": value}, "xarray": what xarray sees in one group}.

    recompute_cka.py ACTIVATIONS.h5
"""
import json, os, sys
import h5py
import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "ProbesTests", "Oracles"))
from cka_numpy import minibatch_cka  # noqa: E402

path = sys.argv[1]
out = {"cka": {}, "xarray": {}}
with h5py.File(path, "r") as f:
    batch = int(f.attrs["cka_batch_size"])
    blocks = f.attrs["blocks"]
    blocks = (blocks.decode() if isinstance(blocks, bytes) else blocks).split(",")
    for task in f:
        for subset in f[task]:
            g = f[task][subset]
            for block in blocks:
                x = g[block + ".before"][()].astype(np.float64)
                y = g[block + ".after"][()].astype(np.float64)
                n = x.shape[0]
                batch = batch or n  # 0: one batch of every row (debiased CKA)
                xs = [x[i:i + batch] for i in range(0, n, batch)]
                ys = [y[i:i + batch] for i in range(0, n, batch)]
                out["cka"][f"{task}/{subset}/{block}"] = minibatch_cka(xs, ys)
first = sorted(out["cka"])[0].rsplit("/", 1)[0]
ds = xr.open_dataset(path, group=first, engine="h5netcdf")
out["xarray"] = {"group": first, "dims": {k: int(v) for k, v in ds.sizes.items()},
                 "image": [int(i) for i in ds["image"].values],
                 "variables": sorted(ds.data_vars)}
print(json.dumps(out))
