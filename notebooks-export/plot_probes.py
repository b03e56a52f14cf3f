#!/usr/bin/python3
"""Paper-style figures from a Strata probe file (probes.h5): how every block changed when each
new task arrived. Run with Debian's /usr/bin/python3 (python3-xarray, python3-h5netcdf,
python3-matplotlib):

    /usr/bin/python3 notebooks-export/plot_probes.py runs/quickstart/probes.h5 --out figures/

Writes probes-blocks.png: one panel per measure (gradient norm, parameter shift, 1 - CKA on old
classes), blocks along the x axis in forward order, one line per task; and probes-cka.png: the
task x block CKA heatmap on a fixed 0-1 colour scale.
"""
import argparse
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr


def block_panels(ds, out):
    blocks = [str(b) for b in ds["block"].values]
    x = np.arange(len(blocks))
    panels = [
        ("grad_norm_normalized", lambda v: v.mean("epoch"), "gradient norm / sqrt(|theta_b|)"),
        ("param_shift", lambda v: v, "relative parameter shift"),
        ("cka_old", lambda v: 1 - v, "1 - CKA (old-class probe images)"),
    ]
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(6, 0.45 * len(blocks)), 8), sharex=True)
    for ax, (name, reduce, label) in zip(axes, panels):
        values = reduce(ds[name])
        for task in ds["task"].values:
            ax.plot(x, values.sel(task=task).values, marker="o", ms=3, label=f"task {int(task)}")
        ax.set_title(label, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=4)
    axes[-1].set_xticks(x)
    axes[-1].set_xticklabels(blocks, rotation=60, ha="right", fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "probes-blocks.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def cka_heatmap(ds, out):
    blocks = [str(b) for b in ds["block"].values]
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(blocks)), 1.2 + 0.4 * ds.sizes["task"]))
    image = ax.imshow(ds["cka_old"].values, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(blocks)))
    ax.set_xticklabels(blocks, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(ds.sizes["task"]))
    ax.set_yticklabels([f"task {int(t)}" for t in ds["task"].values], fontsize=7)
    fig.colorbar(image, ax=ax, label="CKA (old classes)")
    fig.tight_layout()
    path = os.path.join(out, "probes-cka.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def figures(probes, out):
    """Draws every figure of a probe file into the folder `out`; returns the PNG paths."""
    os.makedirs(out, exist_ok=True)
    with xr.open_dataset(probes, engine="h5netcdf") as ds:
        if ds.sizes.get("task", 0) == 0:
            raise SystemExit(f"{probes}: no tasks recorded yet")
        return [block_panels(ds, out), cka_heatmap(ds, out)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probes", help="a probes.h5 written by strata probe")
    parser.add_argument("--out", default=".", help="folder for the PNG files")
    args = parser.parse_args()
    for path in figures(args.probes, args.out):
        print(path)


if __name__ == "__main__":
    main()
