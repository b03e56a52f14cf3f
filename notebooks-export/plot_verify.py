#!/usr/bin/python3
"""Paper-style figures from a Strata verification file (verify.h5): every candidate split
retrained at equal memory. Run with Debian's /usr/bin/python3 (python3-xarray,
python3-h5netcdf, python3-matplotlib):

    /usr/bin/python3 notebooks-export/plot_verify.py runs/quickstart/verify.h5 --out figures/

Writes verify-memory.png (average incremental accuracy against total memory in MiB, one
colour per candidate, every seed a point; MEMO's Figure 1 style) and verify-tasks.png
(accuracy on all seen classes after each task, mean over seeds, at the first budget).
"""
import argparse
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import xarray as xr


def memory_plot(ds, out):
    fig, ax = plt.subplots(figsize=(6, 4))
    last_task = ds["task"].values[-1]
    for candidate in ds["candidate"].values:
        sel = ds.sel(candidate=candidate)
        total = sel["total_bytes"].sel(task=last_task)
        # -1 where the candidate does not fit the budget (no run there, see `fits`).
        megabytes = total.where(total >= 0) / 2**20
        accuracy = sel["average_incremental_accuracy"]
        ax.plot(megabytes.values.ravel(), 100 * accuracy.values.ravel(), "o",
                label=f"{candidate} ({str(sel['role'].values)})")
        if ds.sizes["budget"] > 1:
            ax.plot(megabytes.mean("seed").values, 100 * accuracy.mean("seed").values, "-",
                    color=ax.lines[-1].get_color(), alpha=0.6)
    ax.set_xlabel("total memory (MiB): model + exemplars")
    ax.set_ylabel("average incremental accuracy (%)")
    verdict = ds.attrs.get("verdict", "")
    ax.set_title(f"{verdict}: {ds.attrs.get('recommended', '')} (best {ds.attrs.get('best', '')})",
                 fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "verify-memory.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def task_curves(ds, out):
    fig, ax = plt.subplots(figsize=(6, 4))
    first = ds.isel(budget=0)
    for candidate in ds["candidate"].values:
        total = first["accuracy_cnn_total"].sel(candidate=candidate).mean("seed")
        ax.plot(ds["task"].values, 100 * total.values, marker="o", label=str(candidate))
    ax.set_xlabel("task trained")
    ax.set_ylabel("accuracy on all seen classes (%)")
    ax.set_title(f"budget {int(ds['budget'].values[0]):,} bytes, mean over "
                 f"{ds.sizes['seed']} seed(s)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "verify-tasks.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def figures(verify, out):
    """Draws every figure of a verification file into the folder `out`; returns the PNG paths."""
    os.makedirs(out, exist_ok=True)
    with xr.open_dataset(verify, engine="h5netcdf") as ds:
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
