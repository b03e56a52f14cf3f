"""Reads a Strata probe file with h5py and xarray (Debian's /usr/bin/python3) and prints JSON:
every variable's values and dimensions as h5py sees them, what xarray makes of the axes, and the
schema as text lines (names, dimensions, attribute names) for the golden file."""
import json, math, sys
import h5py
import xarray as xr

path = sys.argv[1]
out = {"variables": {}, "schema": []}
with h5py.File(path, "r") as f:
    for name in sorted(f.keys()):
        d = f[name]
        dims = [dim[0].attrs["NAME"].decode() if isinstance(dim[0].attrs["NAME"], bytes)
                else dim[0].attrs["NAME"] for dim in d.dims if len(dim)]
        values = d[()]
        flat = values.flatten().tolist() if hasattr(values, "flatten") else [values]
        flat = [v.decode() if isinstance(v, bytes) else (None if isinstance(v, float) and math.isnan(v) else v)
                for v in flat]
        out["variables"][name] = {"dims": dims, "shape": list(d.shape), "values": flat}
        attrs = sorted(k for k in d.attrs.keys() if k not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid"))
        out["schema"].append(f"{name} ({', '.join(dims)}) {d.dtype.kind}: {', '.join(attrs)}")
    out["schema"].append("/: " + ", ".join(sorted(f.attrs.keys())))
ds = xr.open_dataset(path, engine="h5netcdf")
out["xarray"] = {"dims": {k: int(v) for k, v in ds.sizes.items()},
                 "task": [int(t) for t in ds["task"].values],
                 "block": [str(b) for b in ds["block"].values],
                 "cka_old_dims": list(ds["cka_old"].dims)}
if "cka_matrix_old" in ds:
    out["xarray"]["cka_matrix_old_dims"] = list(ds["cka_matrix_old"].dims)
    out["xarray"]["block_a"] = [str(b) for b in ds["block_a"].values]
    out["xarray"]["block_b"] = [str(b) for b in ds["block_b"].values]
if "split" in ds:
    out["xarray"]["split"] = [str(s) for s in ds["split"].values]
    for name in ["rewind_old_accuracy", "rewind_new_accuracy",
                 "retrain_old_accuracy", "retrain_new_accuracy"]:
        if name in ds:
            out["xarray"][name + "_dims"] = list(ds[name].dims)
print(json.dumps(out))
