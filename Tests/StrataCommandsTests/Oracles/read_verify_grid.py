#!/usr/bin/python3
"""Oracle for a grid verify.h5: what xarray (h5netcdf engine) sees. Debian's /usr/bin/python3."""
import json
import sys

import xarray as xr

ds = xr.open_dataset(sys.argv[1], engine="h5netcdf")
print(json.dumps({
    "fits_stem": [int(v) for v in ds["fits"].sel(candidate="stem").values],
    "task0_trainings": int(ds.attrs["task0_trainings"]),
    "dims_auc": list(ds["auc"].dims),
}))
