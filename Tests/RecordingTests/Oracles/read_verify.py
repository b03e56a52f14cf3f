#!/usr/bin/python3
"""Oracle for verify.h5: what h5py and xarray (h5netcdf engine) see. Debian's /usr/bin/python3.
Prints one JSON object."""
import json
import sys

import h5py
import numpy as np
import xarray as xr

path = sys.argv[1]
with h5py.File(path, "r") as f:
    shapes = {name: list(f[name].shape) for name in f}
    verdict = f.attrs["verdict"]
    verdict = verdict.decode() if isinstance(verdict, bytes) else str(verdict)
ds = xr.open_dataset(path, engine="h5netcdf")
aia = ds["average_incremental_accuracy"]
print(json.dumps({
    "shapes": shapes,
    "verdict": verdict,
    "dims": {name: list(ds[name].dims) for name in ["accuracy_cnn", "total_bytes", "auc", "fits",
                                                    "verdict", "paired_difference", "auc_mean",
                                                    "auc_last_ci_high"]},
    "units": {name: str(ds[name].attrs.get("units")) for name in ["auc", "paired_difference", "fits"]},
    "fits_b": [int(v) for v in ds["fits"].sel(candidate="b").values],
    "verdict_last": str(ds["verdict"].isel(budget=-1).values),
    "auc_a_seed2": float(ds["auc"].sel(candidate="a", seed=2)),
    "task0_trainings": int(ds.attrs.get("task0_trainings", -1)),
    "candidates": [str(c) for c in ds["candidate"].values],
    "budgets": [int(b) for b in ds["budget"].values],
    # Label-based lookup: the mean over seeds of one candidate at the first budget.
    "mean_b": float(aia.sel(candidate="b").isel(budget=0).mean("seed")),
    "last_total_bytes": int(ds["total_bytes"].sel(candidate="a", seed=2).isel(budget=1, task=-1)),
    "nme_all_nan_for_b": bool(np.isnan(ds["accuracy_nme_total"].sel(candidate="b")).all()),
}))
