#!/usr/bin/python3
"""The report's CSV tables as pandas reads them (Debian's /usr/bin/python3: python3-pandas,
python3-xarray, python3-h5netcdf). Usage: check_csv.py TABLES_DIR RUN_DIR. Exits 1 with the
reasons when a table is not tidy: a numeric column read as text, a column name that is not the
HDF5 variable's, a value that differs from the file's in any bit, a missing value written as
anything but an empty field."""
import os
import sys

import numpy as np
import pandas as pd
import xarray as xr

tables, run = sys.argv[1], sys.argv[2]
problems = []


def read(name):
    # round_trip: pandas' default float parser may be off by one unit in the last place.
    return pd.read_csv(os.path.join(tables, name + ".csv"), float_precision="round_trip")


def numeric(df, name, columns):
    for c in columns:
        if not pd.api.types.is_numeric_dtype(df[c]):
            problems.append(f"{name}.csv: column {c} read as {df[c].dtype}, not a number")


def same(name, column, table_values, file_values):
    a, b = np.asarray(table_values, dtype=float), np.asarray(file_values, dtype=float)
    if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
        problems.append(f"{name}.csv: {column} differs from the file "
                        f"(largest difference {np.nanmax(np.abs(a - b)) if a.shape == b.shape else 'shape'})")


# probes.csv: one row per (task, block), or per (seed, task, block) when the probe file has a
# seed axis; columns the probe file's variables.
probes = read("probes")
ds = xr.open_dataset(os.path.join(run, "probes.h5"), engine="h5netcdf")
variables = ["param_shift", "param_cosine_distance", "bn_stat_shift", "cka_old", "cka_new"]
keys = (["seed"] if "seed" in ds.dims else []) + ["task", "block"]
expected = keys + ["grad_norm_normalized_epoch_mean"] + variables
if list(probes.columns) != expected:
    problems.append(f"probes.csv: columns {list(probes.columns)}, expected {expected}")
else:
    numeric(probes, "probes", [k for k in keys if k != "block"] + ["grad_norm_normalized_epoch_mean"] + variables)
    rows = int(np.prod([ds.sizes[k] for k in keys]))
    if len(probes) != rows:
        problems.append(f"probes.csv: {len(probes)} rows for {' x '.join(f'{ds.sizes[k]} {k}' for k in keys)}")
    table = probes.set_index(keys)
    for v in variables:
        file_values = ds[v].to_series()
        same("probes", v, table[v].reindex(file_values.index).values, file_values.values)
    same("probes", "grad_norm_normalized_epoch_mean",
         table["grad_norm_normalized_epoch_mean"].reindex(
             ds["grad_norm_normalized"].mean("epoch").to_series().index).values,
         ds["grad_norm_normalized"].mean("epoch").to_series().values)
    if probes["bn_stat_shift"].isna().sum() != int(np.isnan(ds["bn_stat_shift"].values).sum()):
        problems.append("probes.csv: missing bn_stat_shift values are not empty fields")

# verification.csv: one row per (candidate, budget, seed), fractions as in verify.h5.
verification = read("verification")
vs = xr.open_dataset(os.path.join(run, "verify.h5"), engine="h5netcdf")
for c in ["candidate", "budget", "seed", "average_incremental_accuracy", "last_accuracy",
          "forgetting", "model_bytes", "exemplars", "total_bytes"]:
    if c not in verification.columns:
        problems.append(f"verification.csv: no column {c}")
numeric(verification, "verification", ["budget", "seed", "average_incremental_accuracy",
                                       "last_accuracy", "forgetting", "model_bytes", "exemplars",
                                       "total_bytes"])
table = verification.set_index(["candidate", "budget", "seed"])
for v in ["average_incremental_accuracy", "last_accuracy", "forgetting"]:
    file_values = vs[v].to_series()
    same("verification", v, table[v].reindex(file_values.index).values, file_values.values)
last = vs["exemplars"].isel(task=-1).to_series()
same("verification", "exemplars", table["exemplars"].reindex(last.index).values, last.values)

# candidates.csv and blocks.csv: the split file's names and numbers.
candidates = read("candidates")
sp = xr.open_dataset(os.path.join(run, "split.h5"), engine="h5netcdf", group="split")
numeric(candidates, "candidates", ["change_point_cost", "explained_variance", "contrast",
                                   "metric_votes", "bootstrap_frequency", "specialized_parameters",
                                   "specialized_exemplar_equivalents", "exemplars"])
table = candidates.set_index("candidate")
for v in ["change_point_cost", "explained_variance", "contrast", "metric_votes",
          "bootstrap_frequency", "specialized_parameters", "specialized_exemplar_equivalents"]:
    if v not in sp:
        problems.append(f"candidates.csv: {v} is not a variable of split.h5")
        continue
    file_values = sp[v].to_series()
    same("candidates", v, table[v].reindex(file_values.index).values, file_values.values)
blocks = read("blocks")
numeric(blocks, "blocks", ["parameters", "backbone_share", "multiply_accumulates", "score"])
same("blocks", "score", blocks.set_index("block")["score"].reindex(sp["score"].to_series().index).values,
     sp["score"].to_series().values)
agreement = read("metric_agreement")
numeric(agreement, "metric_agreement", ["metric_rank_correlation"])

if problems:
    sys.exit("\n".join(problems))
print(f"CSV ok: probes {probes.shape}, verification {verification.shape}, candidates "
      f"{candidates.shape}, blocks {blocks.shape}, metric_agreement {agreement.shape}; "
      f"numeric columns numeric, values equal to the HDF5 files")
