#!/usr/bin/python3
"""Checks the notebooks-export figures on their matplotlib objects (Debian's /usr/bin/python3:
python3-matplotlib, python3-xarray, python3-h5netcdf). Usage: check_figures.py RUN_DIR, a run
folder with probes.h5, split.json and verify.h5 (one budget, one seed). Every figure must have
labelled axes, numeric ones with a unit in parentheses; the split as a dashed line where blocks
are the axis; whole-number task ticks; and, for a copy of the run made to have three seeds,
error bars. Exits 1 with the reasons."""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "notebooks-export"))

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import plot_probes
import plot_verify

run = sys.argv[1]
problems = []
captured = {}
close = plt.close


def keep(fig=None):
    """plt.close as the scripts call it, keeping the figure for inspection."""
    if fig is not None and hasattr(fig, "axes"):
        captured[len(captured)] = fig


plt.close = keep


def expect(ok, message):
    if not ok:
        problems.append(message)


def numeric_label(label, where):
    expect(bool(label) and "(" in label and ")" in label, f"{where}: label {label!r} has no unit")


def split_line(ax, x, where):
    dashed = [l for l in ax.lines if l.get_linestyle() == "--"
              and len(set(np.asarray(l.get_xdata(), dtype=float))) == 1]
    expect(any(abs(float(l.get_xdata()[0]) - x) < 1e-9 for l in dashed),
           f"{where}: no dashed split line at x = {x}")


def integer_ticks(ax, where):
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    expect(ticks and all(float(t).is_integer() for t in ticks), f"{where}: task ticks {ticks}")


out = tempfile.mkdtemp()
split = plot_probes.recommended_split(os.path.join(run, "probes.h5"))
expect(split == "stage3.block1", f"split.json beside probes.h5 read as {split}")
plot_probes.figures(os.path.join(run, "probes.h5"), out)
blocks_fig, cka_fig = captured[0], captured[1]
with xr.open_dataset(os.path.join(run, "probes.h5"), engine="h5netcdf") as ds:
    blocks = [str(b) for b in ds.block.values]
x_split = blocks.index(split) - 0.5
for i, ax in enumerate(blocks_fig.axes):
    numeric_label(ax.get_ylabel(), f"probes-blocks panel {i}")
    split_line(ax, x_split, f"probes-blocks panel {i}")
expect(blocks_fig.axes[-1].get_xlabel() != "", "probes-blocks: no x label")
heat = cka_fig.axes[0]
expect(heat.get_xlabel() != "" and "task" in heat.get_ylabel(), "probes-cka: axes not labelled")
split_line(heat, x_split, "probes-cka")
labels = [t.get_text() for t in heat.get_yticklabels()]
expect(all(t.isdigit() for t in labels), f"probes-cka: task labels {labels}")
numeric_label(cka_fig.axes[1].get_ylabel(), "probes-cka colour bar")

captured.clear()
with xr.open_dataset(os.path.join(run, "verify.h5"), engine="h5netcdf") as vs:
    vs = vs.load()
plot_verify.figures(os.path.join(run, "verify.h5"), out)
memory, tasks = captured[0].axes[0], captured[1].axes[0]
numeric_label(memory.get_ylabel(), "verify-memory y")
expect("MiB" in memory.get_xlabel() and "MB)" not in memory.get_xlabel(),
       f"verify-memory x label {memory.get_xlabel()!r}")
expect(len(memory.get_xticklabels()) == vs.sizes["candidate"],
       "verify-memory: one budget is not one column per candidate")
numeric_label(tasks.get_ylabel(), "verify-tasks y")
expect("task" in tasks.get_xlabel(), "verify-tasks: no task axis label")
integer_ticks(tasks, "verify-tasks")
expect("one seed" in memory.get_title() and "one seed" in tasks.get_title(), "seed count not in titles")

# Three seeds, one point apart: error bars on both figures.
captured.clear()
copies = []
for k, s in enumerate([1993, 1994, 1995]):
    c = vs.copy(deep=True).assign_coords(seed=[s])
    for v in ["average_incremental_accuracy", "accuracy_cnn_total"]:
        c[v] = c[v] - 0.01 * k
    copies.append(c)
three = xr.concat(copies, dim="seed")
plot_verify.memory_plot(three, out)
plot_verify.task_curves(three, out)
for name, fig in zip(["verify-memory", "verify-tasks"], [captured[0], captured[1]]):
    bars = [c for c in fig.axes[0].containers if getattr(c, "has_yerr", False)]
    expect(len(bars) == vs.sizes["candidate"], f"{name} with three seeds: {len(bars)} error bars")
    expect("95% interval over 3 seeds" in fig.axes[0].get_title(), f"{name}: title {fig.axes[0].get_title()!r}")
mean, half = plot_verify.mean_interval([1.0, 2.0, 3.0])
expect(abs(mean - 2) < 1e-12 and abs(half - 4.303 / np.sqrt(3)) < 1e-9, f"interval {half}")

for fig in list(captured.values()):
    close(fig)
if problems:
    sys.exit("\n".join(problems))
print("figures ok: 4 figures labelled with units, split marked at block boundary "
      f"{x_split}, integer task ticks, error bars with three seeds")
