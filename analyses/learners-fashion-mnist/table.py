#!/usr/bin/python3
"""Markdown table of `strata train` results (one HDF5 file per learner), read with h5py.

Run with Debian's /usr/bin/python3 (python3-h5py). Usage: table.py RUN.h5 ...
Accuracies are percentages; memory is the last task's model + exemplar bytes in MB (2^20).
"""
import sys

import h5py
import numpy as np


def row(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        nme = a.get("nme_last_accuracy", np.nan)
        return [
            str(a["method"]),
            str(a["split"]),
            f"{100 * a['cnn_average_incremental_accuracy']:.2f}",
            f"{100 * a['cnn_last_accuracy']:.2f}",
            "—" if np.isnan(nme) else f"{100 * nme:.2f}",
            f"{100 * a['cnn_forgetting']:.2f}",
            f"{int(f['exemplars'][-1]):,}",
            f"{f['total_bytes'][-1] / 2**20:.2f}",
        ]


header = ["method", "split", "avg inc. acc. (CNN)", "last acc. (CNN)", "last acc. (NME)",
          "forgetting (CNN)", "exemplars", "memory MB"]
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for path in sys.argv[1:]:
    print("| " + " | ".join(row(path)) + " |")
