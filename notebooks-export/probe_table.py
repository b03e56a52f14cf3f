#!/usr/bin/python3
"""The per-block summary of a Strata probe file (probes.h5) as Markdown tables: for every block,
the mean over the incremental tasks t >= 1 of the size-normalized gradient norm (itself the mean
over each task's epochs), the relative parameter shift, the BN statistics shift, and 1 - CKA on
the old-class and new-class probe images; then 1 - CKA(old) per task. Run with Debian's
/usr/bin/python3 (python3-xarray, python3-h5netcdf):

    /usr/bin/python3 notebooks-export/probe_table.py analyses/probes-fashion-mnist.h5
"""
import sys

import numpy as np
import xarray as xr


def fmt(v, digits=4):
    return "NaN" if np.isnan(v) else f"{v:.{digits}f}"


ds = xr.open_dataset(sys.argv[1], engine="h5netcdf")
tasks = [int(t) for t in ds["task"].values]
grad = ds["grad_norm_normalized"].mean("epoch").mean("task").values
shift = ds["param_shift"].mean("task").values
stats = ds["bn_stat_shift"].mean("task").values
old = (1 - ds["cka_old"]).mean("task").values
new = (1 - ds["cka_new"]).mean("task").values
print(f"Means over tasks {tasks[0]}..{tasks[-1]}.\n")
print("| block | grad norm / sqrt(params) | param shift | BN stat shift | 1 - CKA old | 1 - CKA new |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for i, block in enumerate(ds["block"].values):
    print(f"| {block} | {grad[i]:.2e} | {fmt(shift[i], 3)} | {fmt(stats[i], 3)} "
          f"| {fmt(old[i])} | {fmt(new[i])} |")
print("\n1 - CKA on old-class probe images, per task:\n")
print("| block | " + " | ".join(f"t={t}" for t in tasks) + " |")
print("| --- |" + " ---: |" * len(tasks))
for block in ds["block"].values:
    values = (1 - ds["cka_old"].sel(block=block)).values
    print(f"| {block} | " + " | ".join(fmt(v) for v in values) + " |")
print("\nAccuracy (CNN top-1) after task t on the classes of task j:\n")
seen = [int(j) for j in ds["task_seen"].values]
print("| t | " + " | ".join(f"j={j}" for j in seen) + " |")
print("| --- |" + " ---: |" * len(seen))
for t in tasks:
    values = ds["accuracy"].sel(task=t).values
    print(f"| {t} | " + " | ".join("" if np.isnan(v) else f"{v:.3f}" for v in values) + " |")
