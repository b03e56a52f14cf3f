"""Reads what `strata split` wrote with Debian's /usr/bin/python3: split.h5 with h5py and with
xarray (group "split", engine h5netcdf), and split.json with the json module in strict mode (a
NaN or Infinity literal is an error). Prints one JSON object for the Swift test to check, with the layout as text lines (variables,
dimensions, attribute names) for the golden file."""
import json, math, sys
import h5py
import xarray as xr

h5_path, json_path = sys.argv[1], sys.argv[2]


def plain(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


out = {"variables": {}, "group_attributes": {}, "root_attributes": {}}
with h5py.File(h5_path, "r") as f:
    g = f["split"]
    for name in g.keys():
        d = g[name]
        dims = []
        for dim in d.dims:
            if len(dim):
                n = dim[0].attrs["NAME"]
                dims.append(n.decode() if isinstance(n, bytes) else n)
        values = d[()]
        flat = values.flatten().tolist() if hasattr(values, "flatten") else [values]
        out["variables"][name] = {
            "dims": dims, "shape": list(d.shape), "values": [plain(v) for v in flat],
            "attrs": sorted(k for k in d.attrs.keys()
                            if k not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME",
                                         "_Netcdf4Dimid")),
            "dtype": d.dtype.kind,
        }
    out["schema"] = [f"{n} ({', '.join(v['dims'])}) {v['dtype']}: {', '.join(v['attrs'])}"
                     for n, v in sorted(out["variables"].items())]
    out["schema"].append("/split: " + ", ".join(sorted(g.attrs.keys())))
    out["schema"].append("/: " + ", ".join(sorted(f.attrs.keys())))
    for k, v in g.attrs.items():
        out["group_attributes"][k] = plain(v.item() if hasattr(v, "item") else v)
    for k, v in f.attrs.items():
        out["root_attributes"][k] = plain(v.item() if hasattr(v, "item") else v)

ds = xr.open_dataset(h5_path, engine="h5netcdf", group="split")
out["xarray"] = {
    "sizes": {k: int(v) for k, v in ds.sizes.items()},
    "block": [str(b) for b in ds["block"].values],
    "candidate": [str(c) for c in ds["candidate"].values],
    "score_dims": list(ds["score"].dims),
    "normalized_dims": list(ds["normalized_value"].dims),
    # Label-based selection works only when the scales are attached as dimensions.
    "exemplars_at_recommended": int(ds["exemplars"].sel(
        candidate=ds.attrs["recommended_split"]).values) if ds.attrs["recommended_split"] else None,
}


def strict(token):
    raise ValueError(f"non-standard JSON constant {token}")


with open(json_path) as f:
    out["json"] = json.loads(f.read(), parse_constant=strict)
print(json.dumps(out))
