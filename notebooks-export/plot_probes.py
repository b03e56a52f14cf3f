#!/usr/bin/python3
"""Paper-style figures from a Strata probe file (probes.h5): how every block changed when each
new task arrived. Run with Debian's /usr/bin/python3 (python3-xarray, python3-h5netcdf,
python3-matplotlib):

    /usr/bin/python3 notebooks-export/plot_probes.py runs/quickstart/probes.h5 --out figures/

Writes probes-blocks.png, the panels of the MEMO paper's Figure 2: one panel per measure (raw
gradient norm, per-filter angle shift, 1 - CKA on old classes), blocks along the x axis in
forward order, one line per task; with a seed axis the line is the mean over seeds and a band
its 95% t interval; and probes-cka.png: the
task x block CKA heatmap on a fixed 0-1 colour scale. When split.json lies beside the probe
file, a dashed line marks its recommended split (before the first specialized block). Tasks
are numbered from 0, as in every Strata file; probes start at task 1 (each compares a task
with the one before).
"""
import argparse
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from plot_verify import T975


def recommended_split(probes):
    """The split that split.json beside the probe file recommends, or None."""
    path = os.path.join(os.path.dirname(os.path.abspath(probes)), "split.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f).get("recommended_split")


def mark_split(ax, blocks, split):
    """A dashed vertical line between the last shared and the first specialized block."""
    if split in blocks:
        x = blocks.index(split) - 0.5
        ax.axvline(x, color="0.35", linestyle="--", linewidth=1)
        ax.text(x, 1.0, f" split: {split}", transform=ax.get_xaxis_transform(), va="bottom",
                fontsize=7, color="0.35")


def seed_summary(values):
    """Mean over the seed axis and the half-width of its 95% t interval (None without seeds)."""
    if "seed" not in values.dims or values.sizes["seed"] < 2:
        return (values.isel(seed=0) if "seed" in values.dims else values), None
    n = values.sizes["seed"]
    half = T975[n - 2] * values.std("seed", ddof=1) / np.sqrt(n)
    return values.mean("seed"), half


def panels_for(ds):
    """Figure 2 of the MEMO paper, per block: gradient, shift and function-space change."""
    panels = [("grad_norm", lambda v: v.mean("epoch"), "gradient norm, mean over epochs",
               "‖∇θ_b‖ (raw)")]
    if "filter_angle_shift" in ds:
        panels.append(("filter_angle_shift", lambda v: v,
                       "per-filter angle change over the task", "angle (rad)"))
    else:
        panels.append(("param_shift", lambda v: v, "parameter shift over the task",
                       "‖Δθ‖ / ‖θ‖ (ratio)"))
    panels.append(("cka_old", lambda v: 1 - v, "1 − CKA on old-class probe images",
                   "1 − CKA (0–1)"))
    return panels


def block_panels(ds, out, split):
    blocks = [str(b) for b in ds["block"].values]
    x = np.arange(len(blocks))
    seeds = ds.sizes.get("seed", 1)
    spread = (f"mean over {seeds} seeds, band: 95% t interval" if seeds > 1 else "one seed")
    panels = panels_for(ds)
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(6, 0.55 * len(blocks)), 8.5),
                             sharex=True)
    for ax, (name, reduce, title, unit) in zip(axes, panels):
        mean, half = seed_summary(reduce(ds[name]))
        for task in ds["task"].values:
            m = mean.sel(task=task).values
            line, = ax.plot(x, m, marker="o", ms=3, label=f"task {int(task)}")
            if half is not None:
                h = half.sel(task=task).values
                ax.fill_between(x, m - h, m + h, color=line.get_color(), alpha=0.15, lw=0)
        mark_split(ax, blocks, split)
        ax.set_title(f"{title} ({spread})", fontsize=9, loc="left")
        ax.set_ylabel(unit, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=3)
    axes[-1].set_xticks(x)
    axes[-1].set_xticklabels(blocks, rotation=60, ha="right", fontsize=7)
    axes[-1].set_xlabel("block (forward order)")
    fig.tight_layout()
    path = os.path.join(out, "probes-blocks.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def cka_heatmap(ds, out, split):
    blocks = [str(b) for b in ds["block"].values]
    tasks = [int(t) for t in ds["task"].values]
    fig, ax = plt.subplots(figsize=(max(6, 0.55 * len(blocks)), 1.8 + 0.45 * len(tasks)))
    cka, _ = seed_summary(ds["cka_old"])
    image = ax.imshow(cka.values, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    mark_split(ax, blocks, split)
    ax.set_xticks(range(len(blocks)))
    ax.set_xticklabels(blocks, rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("block (forward order)")
    ax.set_yticks(range(len(tasks)))
    ax.set_yticklabels([str(t) for t in tasks], fontsize=7)
    ax.set_ylabel("task (0-based)")
    seeds = ds.sizes.get("seed", 1)
    fig.colorbar(image, ax=ax, label="CKA, old-class probe images (0–1)"
                 + (f", mean of {seeds} seeds" if seeds > 1 else ""))
    fig.tight_layout()
    path = os.path.join(out, "probes-cka.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def figures(probes, out):
    """Draws every figure of a probe file into the folder `out`; returns the PNG paths."""
    if not os.path.exists(probes):
        raise SystemExit(f"{probes}: no such file (set STRATA_RUN to a run folder)")
    os.makedirs(out, exist_ok=True)
    split = recommended_split(probes)
    with xr.open_dataset(probes, engine="h5netcdf") as ds:
        if ds.sizes.get("task", 0) == 0:
            raise SystemExit(f"{probes}: no tasks recorded yet")
        return [block_panels(ds, out, split), cka_heatmap(ds, out, split)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probes", help="a probes.h5 written by strata probe")
    parser.add_argument("--out", default=".", help="folder for the PNG files")
    args = parser.parse_args()
    for path in figures(args.probes, args.out):
        print(path)


if __name__ == "__main__":
    main()
