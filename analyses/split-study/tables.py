#!/usr/bin/python3
"""The study README's verification tables, from a committed verify.h5 (Debian's python3: h5py).

Usage: analyses/split-study/tables.py resnet20/verify.h5 [REFERENCE]

Prints, per candidate and budget, the mean average incremental accuracy over the paired seeds
with the exemplars kept after the last task, the AUC-A (over the budgets the candidate fits),
task-0 accuracy per seed, the share of the stream seen so far that the exemplars keep after
every task, and the paired differences to REFERENCE (default: the candidate whose
role is the best step or the recommended split) with 95% Student t intervals over seeds —
computed here from the per-seed accuracies, independently of Strata's own statistics; and checks
every paired difference and interval verify.h5 stores (per budget, against Strata's reference)
against the same computation in numpy. Exits non-zero when one differs.
"""
import json
import sys

import h5py
import numpy as np

# Two-sided 97.5% Student t quantiles, df 1..10 (scipy.stats.t.ppf(0.975, df)).
T975 = [12.7062, 4.30265, 3.18245, 2.77645, 2.57058, 2.44691, 2.36462, 2.306, 2.26216, 2.22814]


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def interval(d):
    d = d[np.isfinite(d)]
    if len(d) < 2:
        return (np.nan, np.nan, np.nan) if len(d) == 0 else (d.mean(), np.nan, np.nan)
    half = T975[len(d) - 2] * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


def main(path, reference=None):
    with h5py.File(path) as f:
        names = text(f["candidate"][()])
        roles = text(f["role"][()])
        budgets = f["budget"][()]
        seeds = f["seed"][()]
        aia = f["average_incremental_accuracy"][()]  # candidate, budget, seed
        per_task = f["exemplars"][()]  # candidate, budget, seed, task
        exemplars = per_task[..., -1]  # after the last task
        spec = json.loads(text([f.attrs["spec"]])[0])
        fits = f["fits"][()]
        auc = f["auc_mean"][()]
        task0 = f["accuracy_cnn"][()][..., 0, 0]  # candidate, budget, seed: task 0 after task 0
        stored = f["paired_difference"][()]
        stored_low = f["paired_difference_ci_low"][()]
        stored_high = f["paired_difference_ci_high"][()]
    if reference is None:
        reference = next(n for n, r in zip(names, roles) if r in ("best step", "recommended"))
    r = names.index(reference)
    print(f"{path}: seeds {list(seeds)}, budgets {list(budgets)} bytes, reference {reference}")
    print("\ncandidate | role | " + " | ".join(f"{b:,} B" for b in budgets) + " | AUC-A (MB)")
    for c, name in enumerate(names):
        cells = []
        for b in range(len(budgets)):
            if not fits[c, b]:
                cells.append("does not fit")
                continue
            ex = exemplars[c, b][np.isfinite(aia[c, b])]
            cells.append(f"{100 * np.nanmean(aia[c, b]):.1f} ({int(np.round(ex.mean())):,} ex.)")
        print(f"{name} | {roles[c]} | " + " | ".join(cells) + f" | {auc[c]:.3f}")
    print("\n" + stream_shares(names, budgets, fits, aia, per_task, spec))
    print("\ntask-0 accuracy per seed (%), first fitting budget:")
    for c, name in enumerate(names):
        b = next((b for b in range(len(budgets)) if fits[c, b]), None)
        if b is not None:
            print(f"  {name}: " + ", ".join(f"{100 * x:.1f}" for x in task0[c, b]))
    print(f"\npaired differences to {reference} (points, 95% t interval over seeds):")
    for c, name in enumerate(names):
        if c == r:
            continue
        cells = []
        for b in range(len(budgets)):
            if not (fits[c, b] and fits[r, b]):
                cells.append("—")
                continue
            mean, low, high = interval(100 * (aia[c, b] - aia[r, b]))
            cells.append(f"{mean:+.1f} [{low:+.1f}, {high:+.1f}]")
        print(f"  {name} − {reference}: " + " | ".join(cells))
    checked = check(names, fits, aia, stored, stored_low, stored_high)
    print(f"\nverify.h5's paired differences and 95% intervals recomputed here: {checked} equal")


def stream_shares(names, budgets, fits, aia, per_task, spec):
    """Per candidate and budget, the exemplars kept after each task (mean over the seeds that
    ran) as a share of the training images seen so far (`train_per_class` per class)."""
    tasks = per_task.shape[-1]
    seen = [spec["train_per_class"] * (spec["init_cls"] + t * spec["increment"])
            for t in range(tasks)]
    lines = [f"exemplars kept after tasks 0–{tasks - 1} as % of the images seen so far "
             f"({', '.join(f'{n:,}' for n in seen)}):",
             "candidate | " + " | ".join(f"{b:,} B" for b in budgets)]
    for c, name in enumerate(names):
        cells = []
        for b in range(len(budgets)):
            ran = np.isfinite(aia[c, b])
            if not fits[c, b] or not ran.any():
                cells.append("does not fit")
                continue
            kept = per_task[c, b][ran].mean(axis=0)
            cells.append("/".join(f"{100 * k / n:.0f}" for k, n in zip(kept, seen)))
        lines.append(f"{name} | " + " | ".join(cells))
    return "\n".join(lines)


def check(names, fits, aia, stored, stored_low, stored_high):
    """Every paired difference and interval verify.h5 stores, against numpy: per budget the
    reference is the candidate whose stored difference and interval are exactly 0."""
    checked = 0
    for b in range(fits.shape[1]):
        refs = [c for c in range(len(names))
                if fits[c, b] and stored[c, b] == 0 and stored_low[c, b] == 0 == stored_high[c, b]]
        assert len(refs) == 1, f"budget {b}: no single reference in verify.h5 ({refs})"
        r = refs[0]
        for c in range(len(names)):
            if c == r or not fits[c, b]:
                continue
            mean, low, high = interval(aia[c, b] - aia[r, b])
            for what, mine, theirs in [("mean", mean, stored[c, b]), ("low", low, stored_low[c, b]),
                                       ("high", high, stored_high[c, b])]:
                # The t quantile here has 5 digits (T975); Strata computes it to full precision.
                assert abs(mine - theirs) < 1e-4, (names[c], b, what, mine, theirs)
                checked += 1
    return checked


if __name__ == "__main__":
    main(*sys.argv[1:])
