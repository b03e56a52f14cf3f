#!/usr/bin/python3
"""Paper-style figures from a Strata verification file (verify.h5): every candidate split
retrained at equal memory. Run with Debian's /usr/bin/python3 (python3-xarray,
python3-h5netcdf, python3-matplotlib):

    /usr/bin/python3 notebooks-export/plot_verify.py runs/quickstart/verify.h5 --out figures/

Writes verify-memory.png: average incremental accuracy (%) against total memory in MiB (model
+ exemplars), MEMO's Figure 1 style, or with a single budget one column per candidate (every
candidate then has the same memory, so a memory axis would only show rounding); and
verify-tasks.png: accuracy on all seen classes after each task at the first budget. Every seed
is a small point; with two or more seeds the mean carries its 95% interval (Student's t). The
recommended split is marked. Tasks are numbered from 0, as in every Strata file.
"""
import argparse
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np
import xarray as xr

# 0.975 quantiles of Student's t for 1..30 degrees of freedom (the standard table); beyond, the
# expansion in 1/df of Abramowitz & Stegun 26.7.5 around z = 1.959964, within 1e-5 there.
# Strata's StudentT computes them exactly; StudentTTableTests checks that the two agree.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    """The 0.975 quantile of Student's t with df degrees of freedom (two-sided 95%)."""
    if df <= len(T975):
        return T975[df - 1]
    z = 1.959963984540054
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def mean_interval(values):
    """Mean and half-width of its 95% interval over seeds (None with one seed)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return (values.mean() if len(values) else np.nan), None
    t = t975(len(values) - 1)
    return values.mean(), t * values.std(ddof=1) / np.sqrt(len(values))


def label(ds, candidate):
    role = str(ds["role"].sel(candidate=candidate).values)
    return f"{candidate} ({role})"


def memory_plot(ds, out):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    last_task = ds["task"].values[-1]
    recommended = ds.attrs.get("recommended", "")
    seeds = ds.sizes["seed"]
    candidates = [str(c) for c in ds["candidate"].values]
    if ds.sizes["budget"] == 1:
        budget = int(ds["budget"].values[0])
        for i, candidate in enumerate(candidates):
            accuracy = 100 * ds["average_incremental_accuracy"].sel(candidate=candidate).values.ravel()
            mean, half = mean_interval(accuracy)
            color = f"C{i}"
            if seeds > 1:
                ax.plot(np.full(len(accuracy), i) + 0.12, accuracy, "o", ms=3, mfc="none",
                        color=color)
            ax.errorbar([i], [mean], yerr=None if half is None else [[half], [half]], fmt="o",
                        color=color, capsize=4, ms=7)
        ax.set_xticks(range(len(candidates)))
        ax.set_xticklabels([label(ds, c) for c in candidates], rotation=30, ha="right",
                           fontsize=8)
        if recommended in candidates:
            ax.get_xticklabels()[candidates.index(recommended)].set_fontweight("bold")
        ax.set_xlabel(f"candidate split, all at one budget: {budget / 2**20:.2f} MiB "
                      "(model + exemplars)")
    else:
        for i, candidate in enumerate(candidates):
            sel = ds.sel(candidate=candidate)
            mib = sel["total_bytes"].sel(task=last_task).mean("seed").values / 2**20
            accuracy = 100 * sel["average_incremental_accuracy"].values  # [budget, seed]
            stats = [mean_interval(row) for row in accuracy]
            means = [m for m, _ in stats]
            halves = [0 if h is None else h for _, h in stats]
            ax.errorbar(mib, means, yerr=halves if seeds > 1 else None, fmt="-o", capsize=4,
                        color=f"C{i}", label=label(ds, candidate),
                        linewidth=2.5 if candidate == recommended else 1.2)
            if seeds > 1:
                ax.plot(np.repeat(mib, seeds), accuracy.ravel(), "o", ms=3, mfc="none",
                        color=f"C{i}")
        ax.set_xlabel("total memory (MiB): model + exemplars")
        ax.legend(fontsize=7)
    ax.set_ylabel("average incremental accuracy (%)")
    spread = "one seed" if seeds == 1 else f"mean ± 95% interval over {seeds} seeds"
    # Without a recommendation there is nothing to name but the best mean.
    judged = f"recommended {recommended}, " if recommended else ""
    ax.set_title(f"{ds.attrs.get('verdict', '')}: {judged}best mean "
                 f"{ds.attrs.get('best', '')} ({spread})", fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out, "verify-memory.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def task_curves(ds, out):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    first = ds.isel(budget=0)
    seeds = ds.sizes["seed"]
    recommended = ds.attrs.get("recommended", "")
    tasks = ds["task"].values
    for i, candidate in enumerate(ds["candidate"].values):
        total = 100 * first["accuracy_cnn_total"].sel(candidate=candidate).values  # [seed, task]
        stats = [mean_interval(total[:, t]) for t in range(len(tasks))]
        means = [m for m, _ in stats]
        halves = [0 if h is None else h for _, h in stats]
        ax.errorbar(tasks, means, yerr=halves if seeds > 1 else None, fmt="-o", capsize=3,
                    color=f"C{i}", label=label(ds, str(candidate)),
                    linewidth=2.5 if str(candidate) == recommended else 1.2)
        if seeds > 1:
            for row in total:
                ax.plot(tasks, row, "-", color=f"C{i}", alpha=0.25, linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("task trained (0-based)")
    ax.set_ylabel("accuracy on all seen classes (%)")
    spread = "one seed" if seeds == 1 else f"mean ± 95% interval over {seeds} seeds, thin: each seed"
    ax.set_title(f"budget {int(ds['budget'].values[0]):,} bytes "
                 f"({int(ds['budget'].values[0]) / 2**20:.2f} MiB), {spread}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "verify-tasks.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def figures(verify, out):
    """Draws every figure of a verification file into the folder `out`; returns the PNG paths."""
    if not os.path.exists(verify):
        raise SystemExit(f"{verify}: no such file (set STRATA_RUN to a run folder)")
    os.makedirs(out, exist_ok=True)
    with xr.open_dataset(verify, engine="h5netcdf") as ds:
        # Byte and exemplar counts are -1 where a candidate does not fit a budget (no run there,
        # see `fits`); the accuracies are NaN there already.
        for name in ("model_bytes", "exemplars", "total_bytes"):
            if name in ds:
                ds[name] = ds[name].where(ds[name] >= 0)
        return [memory_plot(ds, out), task_curves(ds, out)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("verify", help="a verify.h5 written by strata verify")
    parser.add_argument("--out", default=".", help="folder for the PNG files")
    args = parser.parse_args()
    for path in figures(args.verify, args.out):
        print(path)


if __name__ == "__main__":
    main()
